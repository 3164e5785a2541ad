// Package httpapi serves Proctor's history over HTTP: the live Sentinel
// list, sessions and their markers, stored segment lists, raw init and
// media segments (with ranges and ETags) and media.mp4, a self-contained
// fragmented MP4 of a time range made on the fly from the segment log.
//
// Every endpoint needs a bearer token (Authorization header or the
// access_token query parameter). History and markers need a role that may
// review (proctor, reviewer, admin). GET /v1/sentinels needs a role that
// may watch or review: it lists metadata only, and reviewers use it to see
// which sessions are still running; live media stays proctor-only on
// /v1/watch. A missing, malformed or expired token gets 401, a valid
// token of the wrong role 403. Errors are JSON proto.HTTPError bodies.
//
// media.mp4 starts at the keyframe at or before from and ends with the
// last segment that starts at or before to. The moof sequence numbers are
// rewritten to count up from 1; tfdt stays as the Sentinel wrote it. A
// file has one init segment, so a range that spans a change of init
// generation (new resolution, new encoder) is cut at the change: the file
// ends with the last segment of the generation it started in, and the
// X-Proctor-Truncated response header says so (value: the first sequence
// left out). The client asks again from that segment's start for the rest.
// After a gap in the sequence numbers (segments the server never got) the
// file resumes at the next keyframe, so it never holds pictures that
// refer to lost ones; the gap shows as a jump in the timestamps.
// Response headers X-Proctor-Generation, X-Proctor-Sequences ("first-last"),
// X-Proctor-Start and X-Proctor-End (RFC 3339) say what the file holds.
//
// GET /v1/sentinels answers in the shape of the watch "sentinels" message
// (proto.Sentinels, sorted by id). POST .../markers answers 201 with the
// stored marker; the author defaults to the token's subject.
package httpapi
