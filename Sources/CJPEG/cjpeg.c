// JPEG encoding through the classic libjpeg API (libjpeg62-turbo on Debian 12).
// libjpeg's default error_exit calls exit(); Swift cannot call setjmp, so the trap lives here.
#include <stdio.h>      /* before jpeglib.h: it needs FILE and size_t */
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include "cjpeg.h"

struct trap {
  struct jpeg_error_mgr mgr;   /* first member: libjpeg hands us a pointer to it */
  jmp_buf jump;
  char text[JMSG_LENGTH_MAX];
};

static void trap_error_exit(j_common_ptr cinfo) {
  struct trap *t = (struct trap *)cinfo->err;
  (*cinfo->err->format_message)(cinfo, t->text);
  longjmp(t->jump, 1);
}

static void trap_output_message(j_common_ptr cinfo) { (void)cinfo; /* keep stderr quiet */ }

int cjpeg_encode(const unsigned char *pixels, int width, int height, int stride, int components,
                 int quality, unsigned char **out, unsigned long *out_size,
                 char *message, size_t message_size) {
  /* Objects touched after setjmp live outside the volatile-sensitive locals (static
     storage is not an option: reentrancy), so keep them in one heap block. */
  struct state { struct jpeg_compress_struct cinfo; struct trap trap; unsigned char *buffer; unsigned long size; };
  struct state *volatile s = calloc(1, sizeof(struct state));
  if (!s) { snprintf(message, message_size, "out of memory"); return -1; }
  *out = NULL; *out_size = 0;
  if (components != 1 && components != 3) { snprintf(message, message_size, "unsupported component count %d", components); free(s); return -1; }

  s->cinfo.err = jpeg_std_error(&s->trap.mgr);
  s->trap.mgr.error_exit = trap_error_exit;
  s->trap.mgr.output_message = trap_output_message;
  if (setjmp(s->trap.jump)) {
    snprintf(message, message_size, "%s", s->trap.text);
    jpeg_destroy_compress(&s->cinfo);
    if (s->buffer) free(s->buffer);
    free(s);
    return -1;
  }
  jpeg_create_compress(&s->cinfo);
  jpeg_mem_dest(&s->cinfo, &s->buffer, &s->size);
  s->cinfo.image_width = (JDIMENSION)(width < 0 ? 0 : width);
  s->cinfo.image_height = (JDIMENSION)(height < 0 ? 0 : height);
  s->cinfo.input_components = components;
  s->cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&s->cinfo);
  jpeg_set_quality(&s->cinfo, quality, TRUE);
  jpeg_start_compress(&s->cinfo, TRUE);
  while (s->cinfo.next_scanline < s->cinfo.image_height) {
    JSAMPROW row = (JSAMPROW)(pixels + (size_t)s->cinfo.next_scanline * (size_t)stride);
    jpeg_write_scanlines(&s->cinfo, &row, 1);
  }
  jpeg_finish_compress(&s->cinfo);
  jpeg_destroy_compress(&s->cinfo);
  *out = s->buffer;
  *out_size = s->size;
  free(s);
  return 0;
}

void cjpeg_free(unsigned char *buffer) { free(buffer); }
