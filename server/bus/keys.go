package bus

// Key names. The {id} hash tag keeps one Sentinel's keys in one Redis
// Cluster slot, so the append script may touch them together.

func segKey(id string) string       { return "px:seg:{" + id + "}" }
func initKey(id string) string      { return "px:init:{" + id + "}" }
func metaKey(id string) string      { return "px:meta:{" + id + "}" }
func leaseKey(id string) string     { return "px:lease:{" + id + "}" }
func nodeKey(node string) string    { return "px:node:" + node }
func ctlChannel(node string) string { return "px:ctl:" + node }
func wakeKey(node string) string    { return "px:wake:" + node }

const (
	nodesKey  = "px:nodes"
	eventsKey = "px:events"
)

// Fields of px:meta:{id}.
const (
	metaOwner = "owner"
	metaEpoch = "epoch"
	metaKF    = "kf"
	metaGen   = "gen"
	metaSeq   = "seq"
)
