package proto

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// TestFeedFromHeadroom: reading the stream from readers of any chunking,
// with room for a header in front of each unit, cuts the same units as
// Feed, and a message over the limit is refused without harming the
// stream.
func TestFeedFromHeadroom(t *testing.T) {
	stream := ffmpegFMP4(t)
	init, media := split(t, stream)
	want := append([][]byte{init}, media...)
	const headroom = 31
	tests := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"whole", func(r io.Reader) io.Reader { return r }},
		{"one byte reads", iotest.OneByteReader},
		{"half reads", iotest.HalfReader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Reassembler{Headroom: headroom}
			var got [][]byte
			emit := func(_ Kind, u []byte) error {
				if len(u) < headroom {
					t.Fatalf("unit of %d bytes, want at least the headroom", len(u))
				}
				got = append(got, u[headroom:])
				return nil
			}
			// Messages of 1000 bytes, cut anywhere in the boxes.
			for off := 0; off < len(stream); off += 1000 {
				end := min(off+1000, len(stream))
				if off == 2000 { // an oversized message first: refused, nothing kept
					err := r.FeedFrom(tt.wrap(bytes.NewReader(stream[off:])), 1000, emit)
					if !errors.Is(err, ErrTooLarge) {
						t.Fatalf("oversized message: err %v, want ErrTooLarge", err)
					}
				}
				if err := r.FeedFrom(tt.wrap(bytes.NewReader(stream[off:end])), 1000, emit); err != nil {
					t.Fatal(err)
				}
			}
			if len(got) != len(want) {
				t.Fatalf("%d units, want %d", len(got), len(want))
			}
			for i := range want {
				if !bytes.Equal(got[i], want[i]) {
					t.Fatalf("unit %d differs from Feed's", i)
				}
			}
		})
	}
}

// FuzzReassembler: any byte stream, cut into two messages anywhere, gives
// FeedFrom (with headroom) the same units and error as Feed, and never
// panics.
func FuzzReassembler(f *testing.F) {
	f.Add(ffmpegFMP4(f), 100)
	f.Add([]byte("\x00\x00\x00\x08ftyp\x00\x00\x00\x08moov"), 3)
	f.Fuzz(func(t *testing.T, stream []byte, cut int) {
		if cut < 0 || cut > len(stream) {
			cut = len(stream) / 2
		}
		var plain Reassembler
		var want [][]byte
		errWant := plain.Feed(stream[:cut], func(_ Kind, u []byte) error { want = append(want, u); return nil })
		if errWant == nil {
			errWant = plain.Feed(stream[cut:], func(_ Kind, u []byte) error { want = append(want, u); return nil })
		}
		r := Reassembler{Headroom: 7}
		var got [][]byte
		emit := func(_ Kind, u []byte) error { got = append(got, u[7:]); return nil }
		errGot := r.FeedFrom(bytes.NewReader(stream[:cut]), len(stream), emit)
		if errGot == nil {
			errGot = r.FeedFrom(iotest.HalfReader(bytes.NewReader(stream[cut:])), len(stream), emit)
		}
		if (errWant == nil) != (errGot == nil) || len(got) != len(want) {
			t.Fatalf("Feed: %d units, %v; FeedFrom: %d units, %v", len(want), errWant, len(got), errGot)
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("unit %d differs", i)
			}
		}
	})
}
