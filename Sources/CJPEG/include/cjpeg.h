#ifndef CJPEG_H
#define CJPEG_H
#include <stddef.h>

/// Encodes an 8-bit image (1 component: gray, 3 components: RGB) to JPEG in memory with the
/// classic libjpeg API behind a setjmp error trap: a libjpeg error returns -1 with `message`
/// filled instead of calling exit(). On success returns 0, `*out` holds `*out_size` bytes
/// that the caller frees with cjpeg_free.
int cjpeg_encode(const unsigned char *pixels, int width, int height, int stride, int components,
                 int quality, unsigned char **out, unsigned long *out_size,
                 char *message, size_t message_size);

void cjpeg_free(unsigned char *buffer);
#endif
