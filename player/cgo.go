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
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>

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

// pl_scale converts src to RGBA at dw x dh into dst (stride bytes a row),
// reusing *ctx while the parameters stay the same.
static int pl_scale(struct SwsContext **ctx, AVFrame *src, uint8_t *dst, int stride, int dw, int dh, int flags) {
	*ctx = sws_getCachedContext(*ctx, src->width, src->height, src->format, dw, dh, AV_PIX_FMT_RGBA, flags, NULL, NULL, NULL);
	if (*ctx == NULL) return -1;
	uint8_t *planes[4] = {dst, NULL, NULL, NULL};
	int strides[4] = {stride, 0, 0, 0};
	int h = sws_scale(*ctx, (const uint8_t * const *)src->data, src->linesize, 0, src->height, planes, strides);
	return h == dh ? 0 : -1;
}

static void pl_sws_free(struct SwsContext **ctx) {
	sws_freeContext(*ctx);
	*ctx = NULL;
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

// hot holds the C objects of the fast path.
type hot struct {
	cc  *C.AVCodecContext // borrowed from the go-astiav CodecContext; nil: use go-astiav
	pkt *C.AVPacket
	sws *C.struct_SwsContext
}

func newHot() *hot { return &hot{pkt: C.av_packet_alloc()} }

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
		C.int(img.Stride), C.int(img.Rect.Dx()), C.int(img.Rect.Dy()), scaleFlag) == 0
}

func (h *hot) free() {
	C.pl_sws_free(&h.sws)
	C.av_packet_free(&h.pkt)
	h.cc = nil
}
