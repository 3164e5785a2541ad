package player

import (
	"errors"
	"testing"
)

// The thumbnail of a segment is its keyframe, at the width asked for and
// the picture's aspect ratio.
func TestThumbnailIsTheSegmentsKeyframe(t *testing.T) {
	c := makeSentinelClip(t, 640, 360, 10, 10, 40)
	for i, seg := range c.segs {
		img, err := Thumbnail(c.init, seg, 160)
		if err != nil {
			t.Fatalf("segment %d: %v", i, err)
		}
		if w, h := img.Rect.Dx(), img.Rect.Dy(); w != 160 || h != 90 {
			t.Fatalf("segment %d: %dx%d, want 160x90", i, w, h)
		}
		if n := frameNumber(img); n != i*c.gop {
			t.Errorf("segment %d shows frame %d, want %d", i, n, i*c.gop)
		}
	}
}

func TestThumbnailRefusesBadInput(t *testing.T) {
	c := makeSentinelClip(t, 640, 360, 10, 10, 40)
	ll := makeLowLatencyClip(t, 320, 180, 10, 10, 20)
	cases := []struct {
		name        string
		init, media []byte
		width       int
		want        error
	}{
		{"garbage init", []byte("not an init segment"), c.segs[0], 160, ErrCorrupt},
		{"garbage media", c.init, []byte{0, 0, 0, 8, 'm', 'o', 'o', 'f'}, 160, ErrCorrupt},
		{"no keyframe", ll.init, ll.segs[1], 160, ErrCorrupt},
		{"zero width", c.init, c.segs[0], 0, ErrSize},
		{"huge width", c.init, c.segs[0], MaxDimension + 1, ErrSize},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Thumbnail(tc.init, tc.media, tc.width)
			if !errors.Is(err, tc.want) || img != nil {
				t.Fatalf("got %v, %v; want %v", img, err, tc.want)
			}
		})
	}
}

// BenchmarkThumbnail720p decodes one keyframe of a 720p, 2 s GOP stream
// at the timeline's thumbnail width: the cost of a hover that misses the
// cache (the fetch of the segment comes on top).
func BenchmarkThumbnail720p(b *testing.B) {
	c := makeSentinelClip(b, 1280, 720, 15, 30, 60)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Thumbnail(c.init, c.segs[i%len(c.segs)], 160); err != nil {
			b.Fatal(err)
		}
	}
}
