#include <stdarg.h>
#include <string.h>
#include <libavutil/log.h>
#include <libavcodec/avcodec.h>
#include "cffmpeg_log.h"

static void counting_callback(void *avcl, int level, const char *fmt, va_list vl) {
  (void)fmt; (void)vl;
  if (level > AV_LOG_ERROR || avcl == NULL) return;
  const AVClass *cls = *(const AVClass **)avcl;
  if (cls == NULL || strcmp(cls->class_name, "AVCodecContext") != 0) return;
  AVCodecContext *ctx = (AVCodecContext *)avcl;
  cffmpeg_error_counter *counter = (cffmpeg_error_counter *)ctx->opaque;
  if (counter) atomic_fetch_add(&counter->errors, 1);
}

void cffmpeg_install_log_counter(void) { av_log_set_callback(counting_callback); }

long cffmpeg_error_count(cffmpeg_error_counter *counter) { return atomic_load(&counter->errors); }
