package bus

import "time"

// fpsTable is the owner node's view of the frame rates asked for one
// Sentinel by every node, each entry expiring unless refreshed: the
// cluster-wide rule is the highest current request, and the requests of a
// node that died (it stops refreshing) lapse on their own.
type fpsTable struct {
	expire time.Duration
	m      map[string]map[string]fpsReq // sentinel -> requesting node -> request
}

type fpsReq struct {
	fps  float64
	seen time.Time
}

func newFPSTable(expire time.Duration) *fpsTable {
	return &fpsTable{expire: expire, m: map[string]map[string]fpsReq{}}
}

// set records node's request for sentinel (0 withdraws it) and returns
// the sentinel's new highest rate (0: nobody asks, the Sentinel's own).
func (t *fpsTable) set(sentinel, node string, fps float64, now time.Time) float64 {
	if fps <= 0 {
		delete(t.m[sentinel], node)
	} else {
		if t.m[sentinel] == nil {
			t.m[sentinel] = map[string]fpsReq{}
		}
		t.m[sentinel][node] = fpsReq{fps: fps, seen: now}
	}
	return t.max(sentinel)
}

func (t *fpsTable) max(sentinel string) float64 {
	var hi float64
	for _, r := range t.m[sentinel] {
		hi = max(hi, r.fps)
	}
	if len(t.m[sentinel]) == 0 {
		delete(t.m, sentinel)
	}
	return hi
}

// expireOld drops requests not refreshed within expire and returns the
// sentinels whose highest rate changed, with the new rate.
func (t *fpsTable) expireOld(now time.Time) map[string]float64 {
	changed := map[string]float64{}
	for s, reqs := range t.m {
		before := t.max(s)
		for n, r := range reqs {
			if now.Sub(r.seen) > t.expire {
				delete(reqs, n)
			}
		}
		if after := t.max(s); after != before {
			changed[s] = after
		}
	}
	return changed
}
