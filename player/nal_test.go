package player

import "testing"

func TestDisposable(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sample []byte
		size   int
		want   bool
	}{
		{"non-reference slice", []byte{0, 0, 0, 2, 0x01, 0x88}, 4, true},
		{"reference slice", []byte{0, 0, 0, 2, 0x41, 0x9a}, 4, false},
		{"IDR", []byte{0, 0, 0, 2, 0x65, 0x88}, 4, false},
		{"SEI, then a non-reference slice", []byte{0, 0, 0, 1, 0x06, 0, 0, 0, 2, 0x01, 0x9e}, 4, true},
		{"two-byte lengths", []byte{0, 2, 0x01, 0x9e}, 2, true},
		{"length past the end", []byte{0, 0, 0, 9, 0x01, 0x88}, 4, false},
		{"zero length", []byte{0, 0, 0, 0, 0x01}, 4, false},
		{"truncated prefix", []byte{0, 0}, 4, false},
		{"no slice", []byte{0, 0, 0, 1, 0x06}, 4, false},
		{"bad length size", []byte{0, 0, 0, 2, 0x01, 0x88}, 3, false},
		{"empty", nil, 4, false},
	} {
		if got := disposable(tc.sample, tc.size); got != tc.want {
			t.Errorf("%s: disposable = %v, want %v", tc.name, got, tc.want)
		}
	}
	if n := nalLengthSize([]byte{1, 0x64, 0, 0x1f, 0xfd}); n != 2 {
		t.Errorf("nalLengthSize = %d, want 2", n)
	}
}
