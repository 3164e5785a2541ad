package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"proctor/proto"
	"proctor/server/auth"
)

// WriteError writes a proto.HTTPError body with status, code (one of the
// proto.Code constants) and a message meant for people. A 401 also gets
// the WWW-Authenticate challenge of RFC 6750.
func WriteError(w http.ResponseWriter, status int, code, msg string) {
	var body proto.HTTPError
	body.Error.Code = code
	body.Error.Message = msg
	h := w.Header()
	// Drop headers set for a body that is not coming (ServeContent and
	// media.mp4 set them before they can fail), except the Content-Range
	// "bytes */SIZE" of a 416, which RFC 9110 (15.5.17) asks for.
	for _, k := range []string{"Content-Length", "Content-Range", "ETag", "Cache-Control", "Content-Disposition"} {
		if k == "Content-Range" && status == http.StatusRequestedRangeNotSatisfiable {
			continue
		}
		h.Del(k)
	}
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="proctor"`)
	}
	writeJSON(w, status, body)
}

// writeJSON writes v as the JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // only our own proto types are written: cannot happen
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"encode response"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// Authenticate returns the verified claims of r's bearer token (the
// Authorization header, or the access_token query parameter) at now. The
// error wraps auth.ErrMissing, ErrMalformed, ErrSignature or ErrExpired;
// all of them mean 401.
func Authenticate(signer *auth.Signer, r *http.Request, now time.Time) (auth.Claims, error) {
	if signer == nil {
		return auth.Claims{}, auth.ErrMissing
	}
	return signer.Verify(auth.FromRequest(r), now)
}

// authMessage says why a token was refused without echoing it.
func authMessage(err error) string {
	switch {
	case errors.Is(err, auth.ErrMissing):
		return "a bearer token is required (Authorization header or access_token parameter)"
	case errors.Is(err, auth.ErrExpired):
		return "the token has expired"
	case errors.Is(err, auth.ErrSignature):
		return "the token's signature does not match this server"
	default:
		return "the token is malformed"
	}
}
