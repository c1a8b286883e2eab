#ifndef CFFMPEG_LOG_H
#define CFFMPEG_LOG_H
#include <stdatomic.h>

/// FFmpeg's log lines are C varargs (va_list), which Swift cannot receive: this C target
/// installs one log callback for the process. It prints nothing; for each message at
/// AV_LOG_ERROR or worse that comes from a decoder whose AVCodecContext.opaque points to
/// a cffmpeg_error_counter, it increments that counter. Frame-threading worker contexts
/// inherit `opaque`, so a decoder's counter sees its workers' errors too.
typedef struct { _Atomic long errors; } cffmpeg_error_counter;

/// Installs the counting callback (idempotent). The corresponding FFmpeg call is `av_log_set_callback`.
void cffmpeg_install_log_counter(void);

/// Reads a counter (atomic load).
long cffmpeg_error_count(cffmpeg_error_counter *counter);
#endif
