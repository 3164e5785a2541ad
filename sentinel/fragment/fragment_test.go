package fragment

import (
	"encoding/binary"
	"errors"
	"testing"
)

func mkbox(typ string, payload ...[]byte) []byte {
	n := 8
	for _, p := range payload {
		n += len(p)
	}
	b := binary.BigEndian.AppendUint32(nil, uint32(n))
	b = append(b, typ...)
	for _, p := range payload {
		b = append(b, p...)
	}
	return b
}

// frag builds moof(mfhd, traf(tfhd, tfdt)) + mdat.
func frag(seq uint32, base uint64, version byte) []byte {
	mfhd := mkbox("mfhd", binary.BigEndian.AppendUint32([]byte{0, 0, 0, 0}, seq))
	var t []byte
	if version == 1 {
		t = binary.BigEndian.AppendUint64([]byte{1, 0, 0, 0}, base)
	} else {
		t = binary.BigEndian.AppendUint32([]byte{0, 0, 0, 0}, uint32(base))
	}
	tfhd := mkbox("tfhd", []byte{0, 2, 0, 0x38, 0, 0, 0, 1, 0, 0, 0x23, 0x28, 0, 0, 0, 9, 1, 1, 0, 0})
	trun := mkbox("trun", []byte{0, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0, 0x70, 2, 0, 0, 0})
	traf := mkbox("traf", tfhd, mkbox("tfdt", t), trun)
	return append(mkbox("moof", mfhd, traf), mkbox("mdat", []byte{1, 2, 3})...)
}

func TestRewrite(t *testing.T) {
	cases := []struct {
		name    string
		in      []byte
		seq     uint32
		delta   int64
		want    uint64
		wantSeq uint32
		err     bool
	}{
		{"v1 forward", frag(7, 1000, 1), 9, 500, 1500, 9, false},
		{"v1 backward", frag(7, 1000, 1), 0, -1000, 0, 7, false},
		{"v0", frag(1, 90000, 0), 2, 90000, 180000, 2, false},
		{"two pairs", append(frag(1, 10, 1), frag(2, 20, 1)...), 5, 1, 11, 5, false},
		{"negative", frag(1, 10, 1), 0, -11, 10, 1, true},
		{"v0 overflow", frag(1, 10, 0), 0, 1 << 32, 10, 1, true},
		{"not a fragment", mkbox("ftyp", []byte("isom")), 0, 1, 0, 0, true},
		{"truncated", frag(1, 10, 1)[:20], 0, 1, 0, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := append([]byte(nil), c.in...)
			err := Rewrite(b, c.seq, c.delta)
			if c.err {
				if !errors.Is(err, ErrFormat) {
					t.Fatalf("err = %v, want ErrFormat", err)
				}
				if string(b) != string(c.in) {
					t.Fatal("failed rewrite changed the bytes")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := BaseTime(b)
			if err != nil || got != c.want {
				t.Fatalf("BaseTime = %d, %v; want %d", got, err, c.want)
			}
			if s := binary.BigEndian.Uint32(b[20:]); s != c.wantSeq {
				t.Fatalf("mfhd sequence %d, want %d", s, c.wantSeq)
			}
		})
	}
}

func FuzzRewrite(f *testing.F) {
	f.Add(frag(1, 1000, 1), int64(5))
	f.Add(frag(3, 7, 0), int64(-7))
	f.Add([]byte("\x00\x00\x00\x01moof"), int64(0))
	f.Fuzz(func(t *testing.T, b []byte, delta int64) {
		in := append([]byte(nil), b...)
		if err := Rewrite(b, 3, delta); err != nil && string(b) != string(in) {
			t.Fatal("failed rewrite changed the bytes")
		}
		BaseTime(b)
		SetDuration(b, 1)
	})
}

func TestSetDuration(t *testing.T) {
	b := frag(1, 0, 1)
	if err := SetDuration(b, 4500); err != nil {
		t.Fatal(err)
	}
	// moof(8) mfhd(16) traf(8) tfhd header(8) version+flags+track(8).
	if d := binary.BigEndian.Uint32(b[8+16+8+8+8:]); d != 4500 {
		t.Fatalf("default duration %d, want 4500", d)
	}
	if err := SetDuration(mkbox("mdat"), 1); !errors.Is(err, ErrFormat) {
		t.Fatalf("mdat only: err = %v, want ErrFormat", err)
	}
}
