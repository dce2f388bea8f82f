package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The handlers of Polar's customer-seats calls: each decodes the request,
// calls one rule of rules.go under the server's lock, and returns what to
// encode as an answer, as the control API's handlers do. routes.go maps
// paths to them.

const (
	scopeRead  = "customer_seats:read"
	scopeWrite = "customer_seats:write"
)

// answer is what a handler returns: a status, headers to set, and a JSON
// body (nil: no body at all).
type answer struct {
	status int
	body   any
	header http.Header
	// inApp marks answers produced inside Polar's app (successes and the
	// handlers' own errors, after auth): Cache-Control: private, no-store.
	inApp bool
}

func reply(status int, body any) answer { return answer{status: status, body: body} }

// fromApp marks an answer as produced inside the app.
func (a answer) fromApp() answer {
	a.inApp = true
	return a
}

// withHeader adds a header to the answer.
func (a answer) withHeader(key, value string) answer {
	if a.header == nil {
		a.header = http.Header{}
	}
	a.header.Set(key, value)
	return a
}

// write encodes an answer.
func (s *Server) write(w http.ResponseWriter, a answer) {
	for k, v := range a.header {
		w.Header()[k] = v
	}
	if a.inApp {
		w.Header().Set("Cache-Control", "private, no-store")
		if s.Sandbox {
			w.Header().Set("X-Polar-Sandbox", "1")
		}
	}
	if a.body == nil {
		w.WriteHeader(a.status)
		return
	}
	writeJSON(w, a.status, a.body)
}

// answering fits a handler that returns its answer into the route table.
func answering(h func(s *Server, r *http.Request, c apiCall) answer) func(*Server, http.ResponseWriter, *http.Request, apiCall) {
	return func(s *Server, w http.ResponseWriter, r *http.Request, c apiCall) { s.write(w, h(s, r, c)) }
}

// errorStatus is the HTTP status of each of Polar's error classes.
var errorStatus = map[errorCode]int{
	errResourceNotFound:             http.StatusNotFound,
	errCustomerNotFound:             http.StatusNotFound,
	errMemberNotFound:               http.StatusNotFound,
	errFeatureNotEnabled:            http.StatusForbidden,
	errBadRequest:                   http.StatusBadRequest,
	errSeatNotAvailable:             http.StatusBadRequest,
	errSeatAlreadyAssigned:          http.StatusBadRequest,
	errSeatNotPending:               http.StatusBadRequest,
	errInvalidInvitationToken:       http.StatusBadRequest,
	errInvalidSeatAssignmentRequest: http.StatusBadRequest,
	errMemberEmailMismatch:          http.StatusBadRequest,
}

// refused is the answer to a rule's refusal: its class's status and
// Polar's error body. (Anything else would be a bug: a 500 that says so.)
func refused(err error) answer {
	var pe *polarError
	if errors.As(err, &pe) {
		if status, ok := errorStatus[pe.code]; ok {
			return reply(status, polarErr(string(pe.code), pe.detail))
		}
	}
	return reply(http.StatusInternalServerError, polarErr("InternalServerError", err.Error()))
}

// merchant is Polar's auth dependency for the merchant routes: 401 without
// a token, 403 without the scope, else the app's answer for the caller's
// organization.
func merchant(who *principal, scope string, app func(o *org) answer) answer {
	if who == nil {
		return reply(http.StatusUnauthorized, polarErr("Unauthorized", "Unauthorized")).
			withHeader("WWW-Authenticate", `Bearer realm="polar"`)
	}
	if !who.scopes[scope] {
		const desc = "The request requires higher privileges than provided by the access token."
		return reply(http.StatusForbidden, map[string]string{"error": "insufficient_scope", "error_description": desc}).
			withHeader("Cache-Control", "no-store").withHeader("Pragma", "no-cache").
			withHeader("WWW-Authenticate", `Bearer realm="polar", error="insufficient_scope", error_description="`+desc+`"`)
	}
	return app(who.org).fromApp()
}

// --- handlers --------------------------------------------------------------

func (s *Server) handleList(r *http.Request, c apiCall) answer {
	return merchant(c.who, scopeRead, func(o *org) answer {
		ref, errs := listQuery(r.URL.Query())
		switch {
		case len(errs) > 0:
			return validationFailed(errs)
		case ref == nil:
			return refused(refuse(errBadRequest, "Either subscription_id or order_id must be provided"))
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		l, err := o.list(*ref)
		if err != nil {
			return refused(err)
		}
		return reply(http.StatusOK, o.renderList(l))
	})
}

// listQuery reads the list's query: the last value of subscription_id and
// of order_id, each a version-4 UUID; the subscription wins when both are
// given. No container at all is nil.
func listQuery(q url.Values) (*containerRef, []fieldError) {
	var errs []fieldError
	var refs []containerRef
	for _, p := range []struct {
		name string
		kind containerKind
	}{{"subscription_id", kindSubscription}, {"order_id", kindOrder}} {
		vals, present := q[p.name]
		if !present {
			continue
		}
		id, e := parseUUID4(vals[len(vals)-1], []any{"query", p.name})
		if e != nil {
			errs = append(errs, *e)
			continue
		}
		refs = append(refs, containerRef{kind: p.kind, id: id})
	}
	if len(errs) > 0 || len(refs) == 0 {
		return nil, errs
	}
	return &refs[0], nil
}

func (s *Server) handleAssign(r *http.Request, c apiCall) answer {
	body, refusal := readJSONBody(r)
	if refusal != nil {
		return *refusal
	}
	return merchant(c.who, scopeWrite, func(o *org) answer {
		req, errs := parseAssign(body)
		if len(errs) > 0 {
			return validationFailed(errs)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		st, err := o.assign(req, s.nowLocked())
		if err != nil {
			return refused(err)
		}
		return reply(http.StatusOK, o.render(st))
	})
}

func (s *Server) handleRevoke(_ *http.Request, c apiCall) answer {
	return s.seatWrite(c, (*org).revoke)
}

func (s *Server) handleResend(_ *http.Request, c apiCall) answer {
	return s.seatWrite(c, func(o *org, id string, _ time.Time) (*seat, error) { return o.resend(id) })
}

// seatWrite is what revoke and resend share, in Polar's order: the write
// scope, the path's seat id (a version-4 UUID), then the rule; the answer
// is the seat.
func (s *Server) seatWrite(c apiCall, rule func(o *org, id string, now time.Time) (*seat, error)) answer {
	return merchant(c.who, scopeWrite, func(o *org) answer {
		id, e := parseUUID4(c.params["seat_id"], []any{"path", "seat_id"})
		if e != nil {
			return validationFailed([]fieldError{*e})
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		st, err := rule(o, id, s.nowLocked())
		if err != nil {
			return refused(err)
		}
		return reply(http.StatusOK, o.render(st))
	})
}

// handleClaimInfo is public: no auth dependency.
func (s *Server) handleClaimInfo(_ *http.Request, c apiCall) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	info, err := s.w.claimInfo(c.params["invitation_token"], s.nowLocked())
	if err != nil {
		return refused(err).fromApp()
	}
	return reply(http.StatusOK, map[string]any{
		"product_name": info.product.name, "product_id": info.product.id, "organization_name": info.org.name,
		"organization_slug": info.org.slug, "customer_email": info.email, "can_claim": true,
	}).fromApp()
}

// handleClaim is public: no auth dependency.
func (s *Server) handleClaim(r *http.Request, _ apiCall) answer {
	body, refusal := readJSONBody(r)
	if refusal != nil {
		return *refusal
	}
	tok, errs := claimToken(body)
	if len(errs) > 0 {
		return validationFailed(errs).fromApp()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, st, session, err := s.w.claim(tok, s.nowLocked())
	if err != nil {
		return refused(err).fromApp()
	}
	return reply(http.StatusOK, map[string]any{"seat": o.render(st), "customer_session_token": session}).fromApp()
}

// claimToken reads the claim body's invitation_token: a string without NUL.
func claimToken(body map[string]json.RawMessage) (string, []fieldError) {
	loc := []any{"body", "invitation_token"}
	raw, present := body["invitation_token"]
	if !present {
		return "", []fieldError{{Type: "missing", Loc: loc, Msg: "Field required", Input: bodyInput(body)}}
	}
	var tok string
	if err := json.Unmarshal(raw, &tok); err != nil {
		return "", []fieldError{{Type: "string_type", Loc: loc, Msg: "Input should be a valid string", Input: rawValue(raw)}}
	}
	if strings.ContainsRune(tok, 0) {
		return "", []fieldError{nulError(loc, tok)}
	}
	return tok, nil
}

// --- decoding --------------------------------------------------------------

func validationFailed(errs []fieldError) answer {
	return reply(http.StatusUnprocessableEntity, map[string]any{"error": "RequestValidationError", "detail": errs})
}

// readJSONBody reads an object body; a malformed body answers the 422
// json_invalid error, which runs before the auth dependency.
func readJSONBody(r *http.Request) (map[string]json.RawMessage, *answer) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		a := reply(http.StatusBadRequest, polarErr("BadRequest", "could not read body"))
		return nil, &a
	}
	isJSON := strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Type"))), "application/json") ||
		strings.Contains(strings.ToLower(r.Header.Get("Content-Type")), "+json")
	if !isJSON {
		// Not parsed as JSON (strict content type): the body is "missing".
		return nil, nil
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, nil
	}
	var probe any
	if err := json.Unmarshal(data, &probe); err != nil {
		off := 0
		if se, ok := err.(*json.SyntaxError); ok {
			off = int(se.Offset)
		}
		a := validationFailed([]fieldError{{Type: "json_invalid", Loc: []any{"body", off}, Msg: "JSON decode error", Input: map[string]any{}, Ctx: map[string]any{"error": err.Error()}}})
		return nil, &a
	}
	obj, ok := probe.(map[string]any)
	if !ok {
		return nil, nil
	}
	raw := make(map[string]json.RawMessage, len(obj))
	_ = json.Unmarshal(data, &raw)
	return raw, nil
}

func bodyInput(body map[string]json.RawMessage) any {
	if body == nil {
		return nil
	}
	out := map[string]any{}
	for k, v := range body {
		out[k] = rawValue(v)
	}
	return out
}

func rawValue(raw json.RawMessage) any {
	var v any
	_ = json.Unmarshal(raw, &v)
	return v
}

func nulError(loc []any, input any) fieldError {
	return fieldError{Type: "value_error", Loc: loc, Msg: "Value error, This value contains invalid characters", Input: input, Ctx: map[string]any{"error": map[string]any{}}}
}
