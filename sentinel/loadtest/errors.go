package loadtest

import "errors"

// ErrConfig means a setting is out of range.
var ErrConfig = errors.New("invalid load test configuration")

// ErrLost means some segments never reached a watcher that should have
// had them; Run returns it (wrapped) with the report.
var ErrLost = errors.New("segments lost")
