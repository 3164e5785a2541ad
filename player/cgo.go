package player

// The decode hot path in a few lines of C: go-astiav v0.16.0 allocates on
// the Go heap for every packet (FromData) and every EAGAIN (its error
// values), and it can only scale into a frame of its own, which then has
// to be copied (ImageCopyToBuffer). These helpers send a sample with
// FFmpeg's padding, receive a picture, and scale straight into the
// image.RGBA's pixels, allocating nothing in Go. Codec contexts are still
// allocated, opened and freed through go-astiav.

/*
#cgo pkg-config: libavcodec libavutil libswscale
#cgo !nolibyuv CFLAGS: -DPL_LIBYUV
#cgo !nolibyuv LDFLAGS: -lyuv
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
#include <libavutil/imgutils.h>
#include <libavutil/mem.h>
#ifdef PL_LIBYUV
#include <libyuv/convert_argb.h>
#include <libyuv/scale.h>
#endif

// pl_send copies a sample into a new padded packet (av_new_packet zeroes
// AV_INPUT_BUFFER_PADDING_SIZE bytes past the end) and sends it.
static int pl_send(AVCodecContext *c, AVPacket *p, const uint8_t *data, int size, int64_t pts, int64_t dts, int key) {
	int ret = av_new_packet(p, size);
	if (ret < 0) return ret;
	memcpy(p->data, data, size);
	p->pts = pts;
	p->dts = dts;
	p->flags = key ? AV_PKT_FLAG_KEY : 0;
	ret = avcodec_send_packet(c, p);
	av_packet_unref(p);
	return ret;
}

static int pl_receive(AVCodecContext *c, AVFrame *f) {
	av_frame_unref(f);
	return avcodec_receive_frame(c, f);
}

static void pl_flush(AVCodecContext *c) {
	avcodec_flush_buffers(c);
}

static int pl_codec_ok(AVCodecContext *c, int extradata_size) {
	return c != NULL && c->codec_id == AV_CODEC_ID_H264 && c->extradata_size == extradata_size;
}

// pl_scaler holds the swscale state of one decoder.
typedef struct {
	struct SwsContext *direct; // src -> RGBA at the output size, in one pass
	struct SwsContext *resize; // 4:2:0 -> 4:2:0 at the output size
	struct SwsContext *rgba;   // 4:2:0 at the output size -> RGBA, unscaled
	uint8_t *tmp[4];           // the 4:2:0 picture at the output size
	int tmp_stride[4];
	int tw, th, tfmt;
	uint8_t *half[2][4];       // pictures halved in both directions
	int half_stride[2][4];
	int hw[2], hh[2];
} pl_scaler;

static void pl_scaler_free(pl_scaler *s) {
	sws_freeContext(s->direct);
	sws_freeContext(s->resize);
	sws_freeContext(s->rgba);
	av_freep(&s->tmp[0]);
	av_freep(&s->half[0][0]);
	av_freep(&s->half[1][0]);
	memset(s, 0, sizeof(*s));
}

// pl_halve averages the 2x2 blocks of an 8-bit plane of w x h (both even).
__attribute__((optimize("O3")))
static void pl_halve(const uint8_t *restrict src, int ss, uint8_t *restrict dst, int ds, int w, int h) {
	for (int y = 0; y < h / 2; y++) {
		const uint8_t *restrict a = src + 2 * y * ss;
		const uint8_t *restrict b = a + ss;
		uint8_t *restrict o = dst + y * ds;
		for (int x = 0; x < w / 2; x++)
			o[x] = (a[2 * x] + a[2 * x + 1] + b[2 * x] + b[2 * x + 1] + 2) >> 2;
	}
}

// pl_tmp makes s->tmp a 4:2:0 picture of dw x dh in format fmt.
static int pl_tmp(pl_scaler *s, int dw, int dh, int fmt) {
	if (s->tmp[0] != NULL && s->tw == dw && s->th == dh && s->tfmt == fmt) return 0;
	av_freep(&s->tmp[0]);
	if (av_image_alloc(s->tmp, s->tmp_stride, dw, dh, fmt, 64) < 0) return -1;
	s->tw = dw; s->th = dh; s->tfmt = fmt;
	return 0;
}

#ifdef PL_LIBYUV
// pl_scale_libyuv converts an 8-bit 4:2:0 picture to RGBA at dw x dh with
// libyuv (SSSE3/AVX2 on x86, NEON on ARM): a resize in 4:2:0 with its box
// filter (an area average when shrinking, bilinear when growing), skipped
// at the same size, then its BT.601 conversion to RGBA bytes (libyuv's
// "ABGR"), full range for yuvj420p as swscale does.
static int pl_scale_libyuv(pl_scaler *s, AVFrame *src, uint8_t *dst, int stride, int dw, int dh) {
	const uint8_t *sp[3] = {src->data[0], src->data[1], src->data[2]};
	int ss[3] = {src->linesize[0], src->linesize[1], src->linesize[2]};
	if (src->width != dw || src->height != dh) {
		if (pl_tmp(s, dw, dh, AV_PIX_FMT_YUV420P) < 0) return -1;
		if (I420Scale(sp[0], ss[0], sp[1], ss[1], sp[2], ss[2], src->width, src->height,
				s->tmp[0], s->tmp_stride[0], s->tmp[1], s->tmp_stride[1], s->tmp[2], s->tmp_stride[2],
				dw, dh, kFilterBox) != 0) return -1;
		for (int i = 0; i < 3; i++) {
			sp[i] = s->tmp[i];
			ss[i] = s->tmp_stride[i];
		}
	}
	if (src->format == AV_PIX_FMT_YUVJ420P)
		return J420ToABGR(sp[0], ss[0], sp[1], ss[1], sp[2], ss[2], dst, stride, dw, dh) == 0 ? 0 : -1;
	return I420ToABGR(sp[0], ss[0], sp[1], ss[1], sp[2], ss[2], dst, stride, dw, dh) == 0 ? 0 : -1;
}
#endif

// pl_scale converts src to RGBA at dw x dh into dst (stride bytes a row),
// reusing the contexts and buffers while the parameters stay the same.
// In FFmpeg 5.1 swscale's one-pass path to RGBA at another size writes
// RGBA through C code per pixel and runs its horizontal filter on every
// source line. For 8-bit 4:2:0 sources it is cheaper to halve the picture
// with a 2x2 box filter while it is at least twice the output size (a
// proper low-pass for those steps, too), resize the rest in 4:2:0 (SIMD
// filters), and convert at the output size with swscale's unscaled
// YUV->RGB converter (SIMD). two < 0 forces the one-pass path, two == 1
// skips the halving, and two == 2 uses libyuv instead for even output
// sizes (the default when built with it: cheaper still, see
// BenchmarkScale).
static int pl_scale(pl_scaler *s, AVFrame *src, uint8_t *dst, int stride, int dw, int dh, int flags, int two) {
	uint8_t *planes[4] = {dst, NULL, NULL, NULL};
	int strides[4] = {stride, 0, 0, 0};
	int fmt = src->format;
#ifdef PL_LIBYUV
	if (two == 2 && dw % 2 == 0 && dh % 2 == 0 && (fmt == AV_PIX_FMT_YUV420P || fmt == AV_PIX_FMT_YUVJ420P))
		return pl_scale_libyuv(s, src, dst, stride, dw, dh);
#endif
	int resize = src->width != dw || src->height != dh;
	// Odd output sizes go the one-pass way: a 4:2:0 picture of odd size
	// loses its last chroma column or row to rounding on the way.
	int even = dw % 2 == 0 && dh % 2 == 0;
	if (two >= 0 && two < 2 && resize && even && (fmt == AV_PIX_FMT_YUV420P || fmt == AV_PIX_FMT_YUVJ420P)) {
		const uint8_t *sp[4] = {src->data[0], src->data[1], src->data[2], NULL};
		int ss[4] = {src->linesize[0], src->linesize[1], src->linesize[2], 0};
		int sw = src->width, sh = src->height;
		for (int k = 0; two == 0 && sw >= 2 * dw && sh >= 2 * dh && sw % 4 == 0 && sh % 4 == 0; k ^= 1) {
			if (s->half[k][0] == NULL || s->hw[k] != sw / 2 || s->hh[k] != sh / 2) {
				av_freep(&s->half[k][0]);
				if (av_image_alloc(s->half[k], s->half_stride[k], sw / 2, sh / 2, fmt, 64) < 0) return -1;
				s->hw[k] = sw / 2; s->hh[k] = sh / 2;
			}
			pl_halve(sp[0], ss[0], s->half[k][0], s->half_stride[k][0], sw, sh);
			pl_halve(sp[1], ss[1], s->half[k][1], s->half_stride[k][1], sw / 2, sh / 2);
			pl_halve(sp[2], ss[2], s->half[k][2], s->half_stride[k][2], sw / 2, sh / 2);
			for (int i = 0; i < 3; i++) {
				sp[i] = s->half[k][i];
				ss[i] = s->half_stride[k][i];
			}
			sw /= 2; sh /= 2;
		}
		if (sw != dw || sh != dh) {
			if (pl_tmp(s, dw, dh, fmt) < 0) return -1;
			s->resize = sws_getCachedContext(s->resize, sw, sh, fmt, dw, dh, fmt, flags, NULL, NULL, NULL);
			if (s->resize == NULL) return -1;
			if (sws_scale(s->resize, sp, ss, 0, sh, s->tmp, s->tmp_stride) != dh) return -1;
			for (int i = 0; i < 3; i++) {
				sp[i] = s->tmp[i];
				ss[i] = s->tmp_stride[i];
			}
		}
		s->rgba = sws_getCachedContext(s->rgba, dw, dh, fmt, dw, dh, AV_PIX_FMT_RGBA, flags, NULL, NULL, NULL);
		if (s->rgba == NULL) return -1;
		return sws_scale(s->rgba, sp, ss, 0, dh, planes, strides) == dh ? 0 : -1;
	}
	s->direct = sws_getCachedContext(s->direct, src->width, src->height, fmt, dw, dh, AV_PIX_FMT_RGBA, flags, NULL, NULL, NULL);
	if (s->direct == NULL) return -1;
	return sws_scale(s->direct, (const uint8_t * const *)src->data, src->linesize, 0, src->height, planes, strides) == dh ? 0 : -1;
}
*/
import "C"

import (
	"image"
	"unsafe"

	"github.com/asticode/go-astiav"
)

// errAgain and errEOF are FFmpeg's AVERROR(EAGAIN) and AVERROR_EOF.
var (
	errAgain = int(C.int(-C.EAGAIN))
	errEOF   = int(C.AVERROR_EOF)
)

// scaleFlag is the swscale algorithm: fast bilinear has SIMD paths for
// both the same-size conversion and downscaling to a tile.
const scaleFlag = C.SWS_FAST_BILINEAR

// swscale algorithms, for benchmarks that compare them.
const (
	swsFastBilinear = int(C.SWS_FAST_BILINEAR)
	swsBilinear     = int(C.SWS_BILINEAR)
	swsBicubic      = int(C.SWS_BICUBIC)
)

// Scaling paths, for benchmarks that compare them. The default is
// pathLibyuv, or pathHalve when built with the nolibyuv tag.
const (
	pathOnePass = -1 // swscale straight to RGBA at the output size
	pathHalve   = 0  // halve, resize in 4:2:0 and convert with swscale
	pathTwoPass = 1  // resize in 4:2:0 and convert with swscale
	pathLibyuv  = 2  // resize in 4:2:0 and convert with libyuv
)

// setScaler picks the swscale algorithm and the scaling path; only
// benchmarks change the defaults.
func (h *hot) setScaler(flags, path int) {
	C.pl_scaler_free(&h.sws)
	h.flags, h.path = C.int(flags), path
}

// hot holds the C objects of the fast path.
type hot struct {
	cc  *C.AVCodecContext // borrowed from the go-astiav CodecContext; nil: use go-astiav
	pkt *C.AVPacket
	sws C.pl_scaler
	// path is one of the path constants (benchmarks compare them with
	// the default).
	path  int
	flags C.int // swscale algorithm, scaleFlag unless a benchmark compares
}

func newHot() *hot { return &hot{pkt: C.av_packet_alloc(), flags: scaleFlag, path: defaultPath} }

// bind borrows the AVCodecContext behind a go-astiav CodecContext. Its
// first field is the C pointer in v0.16.0; the pointer is checked against
// what was just opened, and on any doubt the go-astiav calls are used.
func (h *hot) bind(cc *astiav.CodecContext, extradata int) {
	h.cc = nil
	if cc == nil {
		return
	}
	c := *(**C.AVCodecContext)(unsafe.Pointer(cc))
	if C.pl_codec_ok(c, C.int(extradata)) == 1 {
		h.cc = c
	}
}

func (h *hot) send(data []byte, pts, dts int64, key bool) int {
	k := C.int(0)
	if key {
		k = 1
	}
	var p *C.uint8_t
	if len(data) > 0 {
		p = (*C.uint8_t)(unsafe.Pointer(&data[0]))
	}
	return int(C.pl_send(h.cc, h.pkt, p, C.int(len(data)), C.int64_t(pts), C.int64_t(dts), k))
}

// flush resets the decoder after a drain (EOF) so it takes packets again.
func (h *hot) flush() { C.pl_flush(h.cc) }

func (h *hot) receive(f *astiav.Frame) int {
	return int(C.pl_receive(h.cc, (*C.AVFrame)(f.UnsafePointer())))
}

func (h *hot) scale(src *astiav.Frame, img *image.RGBA) bool {
	return C.pl_scale(&h.sws, (*C.AVFrame)(src.UnsafePointer()), (*C.uint8_t)(unsafe.Pointer(&img.Pix[0])),
		C.int(img.Stride), C.int(img.Rect.Dx()), C.int(img.Rect.Dy()), h.flags, C.int(h.path)) == 0
}

func (h *hot) free() {
	C.pl_scaler_free(&h.sws)
	C.av_packet_free(&h.pkt)
	h.cc = nil
}
