package httpapi

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"proctor/internal/testmedia"
	"proctor/proto"
)

func TestFragmentWriterRenumbers(t *testing.T) {
	c := makeClip(t, "320x240", 3)
	var out bytes.Buffer
	f := newFragmentWriter(&out)
	if err := f.write(c.Init); err != nil {
		t.Fatal(err)
	}
	// Every input fragment says mfhd 1, as when a Sentinel's muxer
	// restarts for each segment or a resumed stream starts counting again.
	want := len(c.Init)
	for _, s := range c.Segments {
		p := bytes.Clone(s.Payload)
		binary.BigEndian.PutUint32(p[20:], 1)
		if err := f.copySegment(bytes.NewReader(p), int64(len(p))); err != nil {
			t.Fatal(err)
		}
		want += len(p)
	}
	if out.Len() != want || f.written != int64(want) {
		t.Fatalf("wrote %d bytes (counted %d), want %d", out.Len(), f.written, want)
	}
	seqs := mfhdSequences(t, out.Bytes())
	if len(seqs) != len(c.Segments) {
		t.Fatalf("%d moofs, want %d", len(seqs), len(c.Segments))
	}
	for i, s := range seqs {
		if s != uint32(i+1) {
			t.Fatalf("moof %d has sequence %d, want %d", i, s, i+1)
		}
	}
	// Apart from the mfhd numbers the bytes are unchanged.
	if _, err := proto.ParseMedia(out.Bytes()[len(c.Init):], &c.Info, nil); err != nil {
		t.Fatalf("output fragments do not parse: %v", err)
	}
	path := filepath.Join(t.TempDir(), "joined.mp4")
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	frames := 0
	for _, s := range c.Segments {
		frames += len(s.Media.Samples)
	}
	if got := testmedia.CountFramesIn(t, path); got != frames {
		t.Fatalf("ffprobe read %d frames, want %d", got, frames)
	}
}

func TestFragmentWriterRejects(t *testing.T) {
	c := makeClip(t, "320x240", 3)
	seg := c.Segments[0].Payload
	moofLen := int(binary.BigEndian.Uint32(seg))
	noMfhd := bytes.Clone(seg)
	copy(noMfhd[12:16], "xxxx") // the first child of moof is mfhd
	tests := []struct {
		name string
		b    []byte
	}{
		{"stray bytes", append(bytes.Clone(seg), 1, 2, 3)},
		{"box overruns", seg[:len(seg)-1]},
		{"moof without mfhd", noMfhd},
		{"tiny box size", append([]byte{0, 0, 0, 4}, "moof"...)},
		{"large size overruns", append([]byte{0, 0, 0, 1, 'm', 'd', 'a', 't', 0xff, 0, 0, 0, 0, 0, 0, 0}, make([]byte, 8)...)},
		{"mfhd too short", append([]byte{0, 0, 0, 16, 'm', 'o', 'o', 'f', 0, 0, 0, 8}, "mfhd"...)},
		{"moof only", seg[:moofLen-1]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFragmentWriter(&bytes.Buffer{})
			err := f.copySegment(bytes.NewReader(tc.b), int64(len(tc.b)))
			if !errors.Is(err, ErrFragment) {
				t.Fatalf("err = %v, want ErrFragment", err)
			}
		})
	}
}

// mfhdSequences lists the mfhd sequence numbers of the top-level moofs in b.
func mfhdSequences(t *testing.T, b []byte) []uint32 {
	t.Helper()
	var seqs []uint32
	for off := 0; off < len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		if string(b[off+4:off+8]) == "moof" {
			if string(b[off+12:off+16]) != "mfhd" {
				t.Fatalf("moof at %d does not start with mfhd", off)
			}
			seqs = append(seqs, binary.BigEndian.Uint32(b[off+20:]))
		}
		off += n
	}
	return seqs
}

// FuzzCopySegment feeds arbitrary bytes to the segment copier: it must
// never panic, and when it succeeds it has written exactly the input's
// length with only mfhd numbers changed.
func FuzzCopySegment(f *testing.F) {
	f.Add([]byte{0, 0, 0, 16, 'm', 'o', 'o', 'f', 0, 0, 0, 8, 'm', 'f', 'h', 'd'})
	f.Fuzz(func(t *testing.T, b []byte) {
		var out bytes.Buffer
		fw := newFragmentWriter(&out)
		if err := fw.copySegment(bytes.NewReader(b), int64(len(b))); err != nil {
			return
		}
		if out.Len() != len(b) || fw.written != int64(len(b)) {
			t.Fatalf("wrote %d bytes (counted %d) of %d", out.Len(), fw.written, len(b))
		}
	})
}
