package proto

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestHeaderRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		h    Header
	}{
		{"init", Header{Kind: KindInit, Sentinel: "cam-1", Seq: 1}},
		{"keyframe", Header{Kind: KindMedia, Flags: FlagKeyframe, Sentinel: "a", Seq: 42, Time: 1_700_000_000_000_000, Duration: 2_000_000}},
		{"all flags, max id", Header{Kind: KindMedia, Flags: FlagKeyframe | FlagDiscontinuity, Sentinel: strings.Repeat("x", MaxIDLen), Seq: 1<<64 - 1, Time: -5, Duration: 1<<32 - 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			payload := []byte("payload")
			msg := Marshal(tc.h, payload)
			if len(msg) != tc.h.Len()+len(payload) {
				t.Fatalf("len %d, want %d", len(msg), tc.h.Len()+len(payload))
			}
			got, p, err := Decode(msg)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.h || !bytes.Equal(p, payload) {
				t.Fatalf("got %+v %q, want %+v", got, p, tc.h)
			}
		})
	}
}

func TestHeaderBad(t *testing.T) {
	good := Marshal(Header{Kind: KindMedia, Sentinel: "cam", Seq: 1}, nil)
	mut := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	tests := []struct {
		name string
		msg  []byte
	}{
		{"empty", nil},
		{"short", good[:10]},
		{"magic", mut(func(b []byte) []byte { b[0] = 0x51; return b })},
		{"version", mut(func(b []byte) []byte { b[1] = 2; return b })},
		{"kind 0", mut(func(b []byte) []byte { b[2] = 0; return b })},
		{"kind 3", mut(func(b []byte) []byte { b[2] = 3; return b })},
		{"unknown flag", mut(func(b []byte) []byte { b[3] = 0x80; return b })},
		{"id length 0", mut(func(b []byte) []byte { b[4], b[5] = 0, 0; return b })},
		{"id length past end", mut(func(b []byte) []byte { b[5] = 40; return b })},
		{"id length 65", Marshal(Header{Kind: KindMedia, Sentinel: strings.Repeat("x", 65)}, nil)},
		{"id with slash", Marshal(Header{Kind: KindMedia, Sentinel: "../x"}, nil)},
		{"id with space", Marshal(Header{Kind: KindMedia, Sentinel: "a b"}, nil)},
		{"id unicode", Marshal(Header{Kind: KindMedia, Sentinel: "caméra"}, nil)},
		{"truncated after id", good[:len(good)-1]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := Decode(tc.msg); !errors.Is(err, ErrHeader) {
				t.Fatalf("err = %v, want ErrHeader", err)
			}
		})
	}
}

func TestDecodeAllocatesNothing(t *testing.T) {
	msg := Marshal(Header{Kind: KindMedia, Flags: FlagKeyframe, Sentinel: "cam-1", Seq: 7}, make([]byte, 1024))
	n := testing.AllocsPerRun(100, func() {
		if _, _, err := Decode(msg); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Fatalf("Decode allocates %v times", n)
	}
}

func TestValidID(t *testing.T) {
	for id, want := range map[string]bool{
		"a": true, "Cam_1-x": true, strings.Repeat("z", 64): true,
		"": false, strings.Repeat("z", 65): false, "../etc": false, "a b": false,
		"é": false, "a.b": false, "a/b": false, "a\x00": false,
	} {
		if ValidID(id) != want {
			t.Errorf("ValidID(%q) = %v", id, !want)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	msg := Marshal(Header{Kind: KindMedia, Sentinel: "cam-1", Seq: 7}, make([]byte, 64<<10))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Decode(msg); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Marshal(Header{Kind: KindMedia, Flags: FlagKeyframe, Sentinel: "cam-1", Seq: 7, Time: 1, Duration: 2}, []byte("x")))
	f.Add(Marshal(Header{Kind: KindInit, Sentinel: "s", Seq: 1}, nil))
	f.Add([]byte{Magic, Version, 2, 0, 0, 1, 'a'})
	f.Fuzz(func(t *testing.T, msg []byte) {
		h, p, err := Decode(msg)
		if err != nil {
			return
		}
		if !ValidID(h.Sentinel) || len(p) != len(msg)-h.Len() {
			t.Fatalf("accepted %+v with payload %d of %d", h, len(p), len(msg))
		}
		if !bytes.Equal(Marshal(h, p), msg) {
			t.Fatal("re-encoding differs")
		}
	})
}
