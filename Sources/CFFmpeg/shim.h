#ifndef CFFMPEG_SHIM_H
#define CFFMPEG_SHIM_H
// The only header FrameScoutMedia sees of FFmpeg. Swift imports plain literal macros only:
// function-like macros, casts and FFERRTAG expressions are re-exported here as
// static const / static inline (static, so no duplicate symbols across files).
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libavutil/dict.h>

#if LIBAVCODEC_VERSION_MAJOR < 59
#error "FrameScout needs FFmpeg >= 5.0 (libavcodec 59); install the Debian 12 libav*-dev packages"
#endif

static inline int cffmpeg_averror(int e) { return AVERROR(e); }
static const int CFFMPEG_AVERROR_EOF = AVERROR_EOF;
static const int CFFMPEG_AVERROR_INVALIDDATA = AVERROR_INVALIDDATA;
static const int CFFMPEG_AVERROR_DECODER_NOT_FOUND = AVERROR_DECODER_NOT_FOUND;
static const int CFFMPEG_AVERROR_STREAM_NOT_FOUND = AVERROR_STREAM_NOT_FOUND;
static const int64_t CFFMPEG_NOPTS_VALUE = AV_NOPTS_VALUE;
static const int CFFMPEG_TIME_BASE = AV_TIME_BASE;

static inline unsigned cffmpeg_version_major(unsigned v) { return AV_VERSION_MAJOR(v); }
static inline unsigned cffmpeg_version_minor(unsigned v) { return AV_VERSION_MINOR(v); }
static inline unsigned cffmpeg_version_micro(unsigned v) { return AV_VERSION_MICRO(v); }

/// The key-frame flag of a decoded frame (FFmpeg 5.1: AVFrame.key_frame; 6.x moved it to flags).
static inline int cffmpeg_frame_is_key(const AVFrame *f) { return f->key_frame != 0 || f->pict_type == AV_PICTURE_TYPE_I; }
/// Whether the decoder flagged the frame as corrupt (AV_FRAME_FLAG_CORRUPT or decode_error_flags).
static inline int cffmpeg_frame_is_corrupt(const AVFrame *f) { return (f->flags & AV_FRAME_FLAG_CORRUPT) != 0 || f->decode_error_flags != 0; }
static inline int cffmpeg_packet_is_key(const AVPacket *p) { return (p->flags & AV_PKT_FLAG_KEY) != 0; }
static inline int cffmpeg_packet_is_corrupt(const AVPacket *p) { return (p->flags & AV_PKT_FLAG_CORRUPT) != 0; }

/// Pixel-format facts without touching AVPixFmtDescriptor bitfields from Swift.
/// Returns 1 when plane 0 of `fmt` is an 8-bit luma (Y) plane usable as gray directly.
static inline int cffmpeg_pixfmt_has_8bit_luma_plane(int fmt) {
  const AVPixFmtDescriptor *d = av_pix_fmt_desc_get((enum AVPixelFormat)fmt);
  if (!d) return 0;
  if (d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_FLOAT)) return 0;
  if (d->nb_components < 1) return 0;
  if (d->comp[0].plane != 0 || d->comp[0].depth != 8 || d->comp[0].step != 1 || d->comp[0].shift != 0) return 0;
  return 1;
}
/// For planar 8-bit YUV formats with separate U and V planes (yuv420p, yuvj420p, yuv422p,
/// yuv444p…): returns 1 and the chroma subsampling shifts; 0 otherwise.
static inline int cffmpeg_pixfmt_planar_chroma(int fmt, int *shift_w, int *shift_h) {
  const AVPixFmtDescriptor *d = av_pix_fmt_desc_get((enum AVPixelFormat)fmt);
  if (!d || !cffmpeg_pixfmt_has_8bit_luma_plane(fmt) || d->nb_components < 3) return 0;
  if (d->comp[1].plane != 1 || d->comp[2].plane != 2 || d->comp[1].depth != 8 || d->comp[2].depth != 8) return 0;
  if (d->comp[1].step != 1 || d->comp[2].step != 1) return 0;
  *shift_w = d->log2_chroma_w;
  *shift_h = d->log2_chroma_h;
  return 1;
}
/// The packet size and duration FFmpeg records on a decoded frame (`AVFrame.pkt_size`,
/// `AVFrame.pkt_duration`; deprecated after 5.1 but the 5.1 way to reach them).
static inline int cffmpeg_frame_packet_size(const AVFrame *f) {
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
  return f->pkt_size;
#pragma clang diagnostic pop
}
static inline int64_t cffmpeg_frame_duration(const AVFrame *f) {
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
  return f->pkt_duration;
#pragma clang diagnostic pop
}
/// Bytes per row and rows of `plane` of a frame as `av_image_copy_to_buffer` lays it out
/// (what FFmpeg's framemd5 hashes); returns 0 when the plane does not exist.
static inline int cffmpeg_frame_plane_layout(const AVFrame *f, int plane, int *row_bytes, int *rows) {
  const AVPixFmtDescriptor *d = av_pix_fmt_desc_get((enum AVPixelFormat)f->format);
  if (!d || plane >= av_pix_fmt_count_planes((enum AVPixelFormat)f->format)) return 0;
  int lw = av_image_get_linesize((enum AVPixelFormat)f->format, f->width, plane);
  if (lw <= 0 || !f->data[plane]) return 0;
  int h = f->height;
  if ((plane == 1 || plane == 2) && !(d->flags & AV_PIX_FMT_FLAG_PAL)) h = AV_CEIL_RSHIFT(f->height, d->log2_chroma_h);
  *row_bytes = lw;
  *rows = h;
  return 1;
}
#endif
