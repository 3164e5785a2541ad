package player

import (
	"image"
	"sync"
)

// imagePool recycles frames of the current output size so steady-state
// decoding allocates nothing. Frames of another size are dropped when they
// come back, so a resize costs a few allocations and then none.
type imagePool struct {
	mu   sync.Mutex
	size Size
	free []*Frame
}

func newImagePool() *imagePool { return &imagePool{} }

// get returns a frame whose Image has size s.
func (p *imagePool) get(s Size) *Frame {
	p.mu.Lock()
	if s != p.size {
		p.size = s
		clear(p.free)
		p.free = p.free[:0]
	}
	if n := len(p.free); n > 0 {
		f := p.free[n-1]
		p.free[n-1] = nil
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return f
	}
	p.mu.Unlock()
	return &Frame{Image: image.NewRGBA(image.Rect(0, 0, s.Width, s.Height))}
}

// put gives f back. f must not be used afterwards.
func (p *imagePool) put(f *Frame) {
	if f == nil {
		return
	}
	b := f.Image.Rect
	p.mu.Lock()
	if b.Dx() == p.size.Width && b.Dy() == p.size.Height && len(p.free) < 64 {
		p.free = append(p.free, f)
	}
	p.mu.Unlock()
}
