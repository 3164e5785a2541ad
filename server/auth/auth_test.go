package auth

import (
	"errors"
	"net/http/httptest"
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	s, err := NewSigner([]byte("0123456789abcdef0123"))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := NewSigner([]byte("another-secret-of-enough-length"))
	now := time.Unix(1_700_000_000, 0)
	good := s.Sign(Claims{Role: RoleSentinel, Subject: "cam-1", Expiry: now.Unix() + 60})
	tests := []struct {
		name string
		tok  string
		at   time.Time
		want error
	}{
		{"valid", good, now, nil},
		{"empty", "", now, ErrMissing},
		{"no dot", "abc", now, ErrMalformed},
		{"bad base64", "a.!!!", now, ErrMalformed},
		{"other secret", other.Sign(Claims{Role: RoleAdmin}), now, ErrSignature},
		{"tampered", good[:len(good)-2] + "AA", now, ErrSignature},
		{"expired", good, now.Add(time.Minute), ErrExpired},
		{"bad role", s.Sign(Claims{Role: "root"}), now, ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := s.Verify(tc.tok, tc.at)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err == nil && (c.Role != RoleSentinel || c.Subject != "cam-1" || !c.CanPublish("cam-1") || c.CanPublish("cam-2") || c.CanWatch()) {
				t.Fatalf("claims %+v", c)
			}
		})
	}
}

func TestShortSecret(t *testing.T) {
	if _, err := NewSigner([]byte("short")); err == nil {
		t.Fatal("short secret accepted")
	}
}

func TestFromRequest(t *testing.T) {
	r := httptest.NewRequest("GET", "/v1/watch?access_token=q", nil)
	if FromRequest(r) != "q" {
		t.Fatal("query token not read")
	}
	r.Header.Set("Authorization", "Bearer h")
	if FromRequest(r) != "h" {
		t.Fatal("header token not preferred")
	}
}

func TestRoles(t *testing.T) {
	for _, tc := range []struct {
		role                            Role
		publish, watch, review, metrics bool
	}{
		{RoleSentinel, true, false, false, false},
		{RoleProctor, false, true, true, false},
		{RoleReviewer, false, false, true, false},
		{RoleAdmin, true, true, true, true},
		{RoleMetrics, false, false, false, true},
	} {
		c := Claims{Role: tc.role, Subject: "x"}
		if c.CanPublish("x") != tc.publish || c.CanWatch() != tc.watch || c.CanReview() != tc.review || c.CanReadMetrics() != tc.metrics {
			t.Errorf("%s: publish %v watch %v review %v metrics %v", tc.role, c.CanPublish("x"), c.CanWatch(), c.CanReview(), c.CanReadMetrics())
		}
	}
}

func TestMayJoin(t *testing.T) {
	for _, tc := range []struct {
		name   string
		claims Claims
		sid    string
		want   bool
	}{
		{"no claim joins any", Claims{Role: RoleSentinel, Subject: "cam-1"}, "exam-42", true},
		{"named session", Claims{Role: RoleSentinel, Subject: "cam-1", Sessions: []string{"exam-41", "exam-42"}}, "exam-42", true},
		{"other session", Claims{Role: RoleSentinel, Subject: "cam-1", Sessions: []string{"exam-41"}}, "exam-42", false},
		{"admin", Claims{Role: RoleAdmin, Sessions: []string{"exam-41"}}, "exam-42", true},
	} {
		if got := tc.claims.MayJoin(tc.sid); got != tc.want {
			t.Errorf("%s: MayJoin(%s) = %v", tc.name, tc.sid, got)
		}
	}
}
