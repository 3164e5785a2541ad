package sentinel

//#cgo pkg-config: libavutil
//#include <libavutil/frame.h>
//static uint8_t *sentinel_plane(AVFrame *f, int i) { return f->data[i]; }
//static int sentinel_linesize(AVFrame *f, int i) { return f->linesize[i]; }
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/asticode/go-astiav"

	"proctor/sentinel/pattern"
)

// makeWritable gives f its own copy of shared buffers; go-astiav v0.16.0
// has no Frame.MakeWritable.
func makeWritable(f *astiav.Frame) error {
	if ret := C.av_frame_make_writable((*C.AVFrame)(f.UnsafePointer())); ret < 0 {
		return fmt.Errorf("make frame writable: %w", astiav.Error(ret))
	}
	return nil
}

// planeBytes returns plane i of f (rows of linesize bytes) as a slice
// aliasing the frame's buffer.
func planeBytes(f *astiav.Frame, i, rows int) ([]byte, int) {
	cf := (*C.AVFrame)(f.UnsafePointer())
	p := C.sentinel_plane(cf, C.int(i))
	ls := int(C.sentinel_linesize(cf, C.int(i)))
	if p == nil || ls <= 0 || rows <= 0 {
		return nil, 0
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), ls*rows), ls
}

// writePattern draws frame number n into a yuv420p frame.
func writePattern(f *astiav.Frame, n uint64) error {
	if f.PixelFormat() != astiav.PixelFormatYuv420P {
		return fmt.Errorf("pattern needs yuv420p, frame is %s", f.PixelFormat())
	}
	if err := makeWritable(f); err != nil {
		return err
	}
	w, h := f.Width(), f.Height()
	y, ys := planeBytes(f, 0, h)
	u, cs := planeBytes(f, 1, (h+1)/2)
	v, _ := planeBytes(f, 2, (h+1)/2)
	if y == nil || u == nil || v == nil {
		return fmt.Errorf("frame without planes")
	}
	pattern.WriteY(y, ys, w, h, u, v, cs, n)
	return nil
}

// readPattern reads the frame number from a yuv420p (or any 8-bit planar
// luma) frame; tests use it on decoded output.
func readPattern(f *astiav.Frame) (uint64, error) {
	y, ys := planeBytes(f, 0, f.Height())
	return pattern.DecodeY(y, ys, f.Width(), f.Height())
}
