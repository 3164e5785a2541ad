package auth

import (
	"testing"
	"time"
)

// TestMetricsTokenReadsMetricsOnly (issue 10 defect 7): a scraper's token,
// whatever subject it names, reads /metrics and opens nothing else: no
// ingest, no publishing as any Sentinel (its own subject included), no
// joining a session, no live watching, no history, markers or listing
// (httpapi's routes need CanReview, or CanWatch || CanReview).
func TestMetricsTokenReadsMetricsOnly(t *testing.T) {
	s := mustSigner(t, secretNew)
	now := time.Unix(1_700_000_000, 0)
	for _, sub := range []string{"", "prometheus", "cam-1"} {
		c, err := s.Verify(s.Sign(Claims{Role: RoleMetrics, Subject: sub, Sessions: []string{"exam-1"}}), now)
		if err != nil {
			t.Fatal(err)
		}
		if !c.CanReadMetrics() {
			t.Errorf("sub %q: metrics token cannot read /metrics", sub)
		}
		for _, id := range []string{"", sub, "cam-1", "cam-2"} {
			if c.CanPublish(id) {
				t.Errorf("sub %q: metrics token may publish as %q", sub, id)
			}
		}
		if c.CanIngest() || c.MayJoin("exam-1") || c.MayJoin("exam-2") || c.CanWatch() || c.CanReview() {
			t.Errorf("sub %q: metrics token: ingest %v join %v watch %v review %v", sub, c.CanIngest(), c.MayJoin("exam-1"), c.CanWatch(), c.CanReview())
		}
	}
}

// TestOnlyPublishersJoin: MayJoin is about publishing into a session, so
// a role that cannot publish joins none, even with no sessions claim.
func TestOnlyPublishersJoin(t *testing.T) {
	for _, tc := range []struct {
		role         Role
		ingest, join bool
	}{
		{RoleSentinel, true, true},
		{RoleAdmin, true, true},
		{RoleProctor, false, false},
		{RoleReviewer, false, false},
		{RoleMetrics, false, false},
	} {
		c := Claims{Role: tc.role, Subject: "x"}
		if c.CanIngest() != tc.ingest || c.MayJoin("exam-1") != tc.join {
			t.Errorf("%s: ingest %v join %v, want %v %v", tc.role, c.CanIngest(), c.MayJoin("exam-1"), tc.ingest, tc.join)
		}
	}
}
