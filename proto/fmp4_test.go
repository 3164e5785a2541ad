package proto

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/abema/go-mp4"
)

// ffmpegFMP4 encodes a short H.264 clip with the ffmpeg CLI as fragmented
// MP4 (one fragment per GOP) and returns the raw byte stream.
func ffmpegFMP4(t testing.TB, extra ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "clip.mp4")
	args := []string{"-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10"}
	args = append(args, extra...)
	args = append(args, "-t", "2", "-c:v", "libx264", "-g", "5", "-sc_threshold", "0", "-tune", "zerolatency",
		"-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-y", out)
	if b, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// split cuts a stream into its init segment and media fragments.
func split(t testing.TB, stream []byte) (init []byte, media [][]byte) {
	t.Helper()
	var r Reassembler
	err := r.Feed(stream, func(k Kind, u []byte) error {
		if k == KindInit {
			init = u
		} else {
			media = append(media, u)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return init, media
}

func TestParseFFmpegOutput(t *testing.T) {
	init, media := split(t, ffmpegFMP4(t))
	info, err := ParseInit(init)
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != 160 || info.Height != 120 || info.Timescale == 0 || len(info.AVCC) == 0 || info.Codec[:5] != "avc1." {
		t.Fatalf("init info %+v", info)
	}
	if len(media) != 4 {
		t.Fatalf("%d fragments, want 4 (2 s at 10 fps, GOP 5)", len(media))
	}
	var samples []Sample
	var next uint64
	for i, m := range media {
		mi, err := ParseMedia(m, &info, samples)
		if err != nil {
			t.Fatalf("fragment %d: %v", i, err)
		}
		samples = mi.Samples
		if len(mi.Samples) != 5 || !mi.Keyframe || mi.BaseTime != next {
			t.Fatalf("fragment %d: %d samples, keyframe %v, base %d (want %d)", i, len(mi.Samples), mi.Keyframe, mi.BaseTime, next)
		}
		for j, s := range mi.Samples[1:] {
			if s.Sync {
				t.Fatalf("fragment %d sample %d is sync", i, j+1)
			}
		}
		next += mi.Duration
	}
	if got := float64(next) / float64(info.Timescale); got < 1.99 || got > 2.01 {
		t.Fatalf("total duration %.3f s, want 2", got)
	}
}

func TestParseMediaAllocations(t *testing.T) {
	init, media := split(t, ffmpegFMP4(t))
	info, _ := ParseInit(init)
	mi, _ := ParseMedia(media[0], &info, nil)
	samples := mi.Samples
	n := testing.AllocsPerRun(20, func() {
		mi, _ := ParseMedia(media[0], &info, samples)
		samples = mi.Samples
	})
	if n != 0 {
		t.Fatalf("%.0f allocations per media segment, want 0", n)
	}
}

func TestReassemblerAnyCut(t *testing.T) {
	stream := ffmpegFMP4(t)
	wantInit, wantMedia := split(t, stream)
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 20; round++ {
		var r Reassembler
		var got [][]byte
		for off := 0; off < len(stream); {
			n := 1 + rng.Intn(3000)
			if off+n > len(stream) {
				n = len(stream) - off
			}
			if err := r.Feed(stream[off:off+n], func(k Kind, u []byte) error { got = append(got, u); return nil }); err != nil {
				t.Fatal(err)
			}
			off += n
		}
		if len(got) != 1+len(wantMedia) || !bytes.Equal(got[0], wantInit) || !bytes.Equal(got[len(got)-1], wantMedia[len(wantMedia)-1]) {
			t.Fatalf("round %d: %d units", round, len(got))
		}
	}
}

func TestReassemblerBad(t *testing.T) {
	for name, stream := range map[string][]byte{
		"mdat first":   rawBox("mdat", 4),
		"moov alone":   rawBox("moov", 4),
		"unknown":      rawBox("abcd", 4),
		"huge box":     {0x7f, 0xff, 0xff, 0xff, 'm', 'o', 'o', 'f'},
		"size below 8": {0, 0, 0, 4, 'f', 't', 'y', 'p'},
	} {
		var r Reassembler
		if err := r.Feed(stream, func(Kind, []byte) error { return nil }); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func rawBox(typ string, payload int) []byte {
	b := make([]byte, 8+payload)
	binary.BigEndian.PutUint32(b, uint32(len(b)))
	copy(b[4:], typ)
	return b
}

func TestParseBad(t *testing.T) {
	init, media := split(t, ffmpegFMP4(t))
	info, _ := ParseInit(init)
	seg := media[0]
	mdatAt := bytes.Index(seg, []byte("mdat")) - 4
	// The first trun sample size sits in the trun's first entry.
	trunAt := bytes.Index(seg, []byte("trun")) - 4
	withAudio := ffmpegFMP4(t, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000", "-c:a", "aac")
	avInit, _ := split(t, withAudio)
	mpeg4Out := filepath.Join(t.TempDir(), "m4v.mp4")
	if b, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10",
		"-t", "1", "-c:v", "mpeg4", "-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-y", mpeg4Out).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, b)
	}
	m4v, _ := os.ReadFile(mpeg4Out)
	m4vInit, _ := split(t, m4v)
	mut := func(b []byte, f func([]byte)) []byte { c := append([]byte(nil), b...); f(c); return c }

	initCases := map[string][]byte{
		"empty":            nil,
		"media as init":    seg,
		"truncated":        init[:len(init)-10],
		"moov only":        init[bytes.Index(init, []byte("moov"))-4:],
		"two tracks":       avInit,
		"not h264":         m4vInit,
		"garbage":          []byte("this is not an mp4 file at all"),
		"trailing garbage": append(append([]byte(nil), init...), 1, 2, 3),
	}
	for name, b := range initCases {
		if _, err := ParseInit(b); !errors.Is(err, ErrInit) {
			t.Errorf("init %s: err = %v", name, err)
		}
	}
	mediaCases := map[string][]byte{
		"empty":         nil,
		"init as media": init,
		"truncated":     seg[:len(seg)-100],
		"moof only":     seg[:mdatAt],
		"mdat only":     seg[mdatAt:],
		"mdat too long": append(mut(seg, func(c []byte) { binary.BigEndian.PutUint32(c[mdatAt:], binary.BigEndian.Uint32(c[mdatAt:])+4) }), 0, 0, 0, 0),
		"sample too big": mut(seg, func(c []byte) {
			p := trunAt + 8 + 4 + 4 + 4 + 4
			binary.BigEndian.PutUint32(c[p:], binary.BigEndian.Uint32(c[p:])+1)
		}),
		"trun count": mut(seg, func(c []byte) { binary.BigEndian.PutUint32(c[trunAt+12:], 1<<30) }),
		"garbage":    bytes.Repeat([]byte{0xff}, 64),
	}
	for name, b := range mediaCases {
		if _, err := ParseMedia(b, &info, nil); !errors.Is(err, ErrMedia) {
			t.Errorf("media %s: err = %v", name, err)
		}
	}
}

func BenchmarkParseMedia(b *testing.B) {
	init, media := split(b, ffmpegFMP4(b))
	info, _ := ParseInit(init)
	var samples []Sample
	b.ReportAllocs()
	for b.Loop() {
		mi, err := ParseMedia(media[0], &info, samples)
		if err != nil {
			b.Fatal(err)
		}
		samples = mi.Samples
	}
}

func FuzzParseInit(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := ParseInit(b)
		if err == nil && (info.Width <= 0 || info.Height <= 0 || info.Timescale == 0 || len(info.AVCC) == 0) {
			t.Fatalf("accepted %+v", info)
		}
	})
}

func FuzzParseMedia(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		mi, err := ParseMedia(b, nil, nil)
		if err != nil {
			return
		}
		for _, s := range mi.Samples {
			if s.Offset < 0 || s.Size <= 0 || s.Offset+s.Size > len(b) {
				t.Fatalf("sample %+v outside %d bytes", s, len(b))
			}
		}
	})
}

// TestTrafMatchesGoMP4 checks the hand-written trun reader against
// go-mp4's, on ffmpeg output with B-frames (composition offsets) and
// without.
func TestTrafMatchesGoMP4(t *testing.T) {
	for name, extra := range map[string][]string{
		"zerolatency": nil,
		"b-frames":    {"-tune", "film", "-bf", "2"},
	} {
		t.Run(name, func(t *testing.T) {
			init, media := split(t, ffmpegFMP4(t, extra...))
			info, err := ParseInit(init)
			if err != nil {
				t.Fatal(err)
			}
			for i, seg := range media {
				mi, err := ParseMedia(seg, &info, nil)
				if err != nil {
					t.Fatalf("fragment %d: %v", i, err)
				}
				at := bytes.Index(seg, []byte("trun")) - 4
				x, err := readBox(seg, at, len(seg))
				if err != nil {
					t.Fatal(err)
				}
				var trun mp4.Trun
				if err := unmarshal(seg, x, &trun); err != nil {
					t.Fatal(err)
				}
				if int(trun.SampleCount) != len(mi.Samples) {
					t.Fatalf("fragment %d: %d samples, go-mp4 %d", i, len(mi.Samples), trun.SampleCount)
				}
				for j, e := range trun.Entries {
					s := mi.Samples[j]
					cto := e.SampleCompositionTimeOffsetV1
					if trun.GetVersion() == 0 {
						cto = int32(e.SampleCompositionTimeOffsetV0)
					}
					if trun.CheckFlag(trunSampleSize) && s.Size != int(e.SampleSize) ||
						trun.CheckFlag(trunSampleDuration) && s.Duration != e.SampleDuration ||
						trun.CheckFlag(trunSampleCTO) && s.CTO != cto {
						t.Fatalf("fragment %d sample %d: %+v, go-mp4 %+v", i, j, s, e)
					}
				}
			}
		})
	}
}
