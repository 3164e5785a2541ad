package ui

import (
	"sort"

	"proctor/proto"
)

// Grid orders a proctor can pick.
const (
	OrderByName    = "By name"
	OrderAttention = "Attention first" // needs attention first
)

// GridOrders are the orders offered in the toolbar.
var GridOrders = []string{OrderByName, OrderAttention}

// naturalLess compares names with runs of digits as numbers, so cam-2
// sorts before cam-10 (leading zeros do not matter: cam-02 = cam-2, then
// the plain comparison decides).
func naturalLess(a, b string) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na, nb := trimZeros(a[si:i]), trimZeros(b[sj:j])
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			continue
		}
		if ca != cb {
			return ca < cb
		}
		i++
		j++
	}
	if len(a)-i != len(b)-j {
		return len(a)-i < len(b)-j
	}
	return a < b
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

// AttentionFirst reorders list (in place, stably) so the sessions whose
// Sentinels have the most urgent cues come first; a session's Sentinels
// stay side by side, and equal sessions keep their order (by name).
func AttentionFirst(list []proto.SentinelInfo, cue func(id string) Cue) {
	worst := map[string]Cue{}
	for _, s := range list {
		worst[s.Session] = max(worst[s.Session], cue(s.ID))
	}
	sort.SliceStable(list, func(i, j int) bool {
		return worst[list[i].Session] > worst[list[j].Session]
	})
}
