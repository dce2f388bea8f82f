package polar

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Polar's stable machine-readable error codes (the "error" key of a body).
const (
	CodeSeatNotAvailable             = "SeatNotAvailable"
	CodeSeatAlreadyAssigned          = "SeatAlreadyAssigned"
	CodeSeatNotPending               = "SeatNotPending"
	CodeInvalidInvitationToken       = "InvalidInvitationToken"
	CodeInvalidSeatAssignmentRequest = "InvalidSeatAssignmentRequest"
	CodeMemberEmailMismatch          = "MemberEmailMismatch"
	CodeFeatureNotEnabled            = "FeatureNotEnabled"
	CodeCustomerNotFound             = "CustomerNotFound"
	CodeMemberNotFound               = "MemberNotFound"
	CodeInsufficientScope            = "insufficient_scope"
	CodeInvalidToken                 = "invalid_token"
)

// maxDetailLen bounds how much of a server message is echoed back to users.
const maxDetailLen = 500

// ValidationError is one item of a 422 body's detail array.
type ValidationError struct {
	Type  string          `json:"type"`
	Loc   []any           `json:"loc"`
	Msg   string          `json:"msg"`
	Input json.RawMessage `json:"input,omitempty"`
	Ctx   json.RawMessage `json:"ctx,omitempty"`
}

// Location renders loc as "body.metadata".
func (v ValidationError) Location() string {
	parts := make([]string, 0, len(v.Loc))
	for _, p := range v.Loc {
		switch t := p.(type) {
		case string:
			parts = append(parts, t)
		case float64:
			parts = append(parts, strconv.FormatInt(int64(t), 10))
		default:
			parts = append(parts, fmt.Sprint(t))
		}
	}
	return strings.Join(parts, ".")
}

// Error is every non-2xx answer of the API, decoded.
type Error struct {
	// Method and Route say which call failed ("POST /v1/customer-seats").
	Method string
	Route  string
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is Polar's "error" key (SeatNotAvailable, invalid_token, …), empty
	// for FastAPI's own {"detail": "Not Found"} and for 429.
	Code string
	// Detail is the human message: "detail" or OAuth2's "error_description".
	Detail string
	// Validation holds the decoded items of a 422.
	Validation []ValidationError
	// RetryAfter is the Retry-After header of a 429/503, zero if absent.
	RetryAfter time.Duration
	// RequestID is the server's request id header, if any.
	RequestID string
	// Clock is the answer's reading of Polar's clock.
	Clock ServerClock
	// NotJSON reports an answer that was not a JSON body at all (an HTML
	// page from a proxy, a wrong server_url).
	NotJSON bool
}

// Error renders "POST /v1/customer-seats: 400 SeatNotAvailable: No available
// seats for …", with 422 items as "body.metadata: Metadata cannot …".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Method != "" {
		b.WriteString(e.Method + " " + e.Route + ": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	} else if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if len(e.Validation) > 0 {
		items := make([]string, 0, len(e.Validation))
		for _, v := range e.Validation {
			items = append(items, v.Location()+": "+strings.TrimPrefix(v.Msg, "Value error, "))
		}
		b.WriteString(": " + strings.Join(items, "; "))
	} else if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after " + e.RetryAfter.String() + ")")
	}
	if e.RequestID != "" {
		b.WriteString(" [request id " + e.RequestID + "]")
	}
	return b.String()
}

var bearerLike = regexp.MustCompile(`(?i)(bearer\s+\S+|polar_[a-z]{2,4}(_[a-z])?_[A-Za-z0-9_\-]+)`)

// Sanitize strips anything that looks like a bearer token and truncates s, so
// server text can be echoed into diagnostics and logs.
func Sanitize(s string) string {
	s = bearerLike.ReplaceAllString(s, "[redacted]")
	if len(s) > maxDetailLen {
		cut := maxDetailLen
		for cut > 0 && !utf8Start(s[cut]) {
			cut--
		}
		s = s[:cut] + "…(truncated)"
	}
	return s
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// DecodeError builds an Error from a non-2xx response's status, headers and
// body. It never fails: an undecodable body becomes the (sanitised) detail.
func DecodeError(status int, header http.Header, body []byte) *Error {
	e := &Error{StatusCode: status}
	if header != nil {
		e.RetryAfter = parseRetryAfter(header.Get("Retry-After"))
		for _, h := range []string{"X-Request-Id", "X-Polar-Request-Id", "Request-Id"} {
			if v := header.Get(h); v != "" {
				e.RequestID = Sanitize(v)
				break
			}
		}
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return e
	}
	var raw struct {
		Error            *string         `json:"error"`
		Detail           json.RawMessage `json:"detail"`
		ErrorDescription *string         `json:"error_description"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		e.NotJSON = true
		e.Detail = summarizeBody(header, body)
		return e
	}
	if raw.Error != nil {
		e.Code = Sanitize(*raw.Error)
	}
	if raw.ErrorDescription != nil {
		e.Detail = Sanitize(*raw.ErrorDescription)
	}
	if len(raw.Detail) > 0 && string(raw.Detail) != "null" {
		var s string
		var items []ValidationError
		switch {
		case json.Unmarshal(raw.Detail, &s) == nil:
			e.Detail = Sanitize(s)
		case json.Unmarshal(raw.Detail, &items) == nil:
			for i := range items {
				items[i].Msg = Sanitize(items[i].Msg)
			}
			e.Validation = items
		default:
			e.Detail = Sanitize(string(raw.Detail))
		}
	}
	return e
}

// summarizeBody describes a body that is not JSON in one line: its type,
// size and first words, never a whole HTML page.
func summarizeBody(header http.Header, body []byte) string {
	ctype := "unknown type"
	if header != nil && header.Get("Content-Type") != "" {
		ctype = header.Get("Content-Type")
	}
	text := strings.Join(strings.Fields(string(body)), " ")
	if len(text) > 80 {
		cut := 80
		for cut > 0 && !utf8Start(text[cut]) {
			cut--
		}
		text = text[:cut] + "…"
	}
	return Sanitize(fmt.Sprintf("the answer is not JSON (%s, %d bytes: %q)", ctype, len(body), text))
}

func parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// AsError unwraps err into a *Error.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func hasStatusCode(err error, status int, code string) bool {
	e, ok := AsError(err)
	return ok && e.StatusCode == status && (code == "" || e.Code == code)
}

// IsNotFound reports a 404 from Polar's application (ResourceNotFound,
// CustomerNotFound, MemberNotFound), not a routing or version 404.
func IsNotFound(err error) bool {
	e, ok := AsError(err)
	return ok && e.StatusCode == http.StatusNotFound && e.Code != ""
}

// IsSeatNotAvailable reports 400 SeatNotAvailable (full container, unpaid order).
func IsSeatNotAvailable(err error) bool {
	return hasStatusCode(err, http.StatusBadRequest, CodeSeatNotAvailable)
}

// IsSeatAlreadyAssigned reports 400 SeatAlreadyAssigned.
func IsSeatAlreadyAssigned(err error) bool {
	return hasStatusCode(err, http.StatusBadRequest, CodeSeatAlreadyAssigned)
}

// IsSeatNotPending reports 400 SeatNotPending (resend on a claimed or revoked seat).
func IsSeatNotPending(err error) bool {
	return hasStatusCode(err, http.StatusBadRequest, CodeSeatNotPending)
}

// IsFeatureNotEnabled reports 403 FeatureNotEnabled.
func IsFeatureNotEnabled(err error) bool {
	return hasStatusCode(err, http.StatusForbidden, CodeFeatureNotEnabled)
}

// IsUnauthorized reports 401 (missing, unknown, expired or revoked token).
func IsUnauthorized(err error) bool { return hasStatusCode(err, http.StatusUnauthorized, "") }

// IsInsufficientScope reports 403 insufficient_scope.
func IsInsufficientScope(err error) bool {
	return hasStatusCode(err, http.StatusForbidden, CodeInsufficientScope)
}

// IsRateLimited reports 429.
func IsRateLimited(err error) bool { return hasStatusCode(err, http.StatusTooManyRequests, "") }

// IsValidation reports 422.
func IsValidation(err error) bool {
	return hasStatusCode(err, http.StatusUnprocessableEntity, "")
}

// IsOutcomeUnknown reports an error after which a write may or may not have
// happened on the server: a request that was sent and got no answer (reset,
// timeout), or a 5xx.
func IsOutcomeUnknown(err error) bool {
	if err == nil {
		return false
	}
	if e, ok := AsError(err); ok {
		return e.StatusCode >= 500
	}
	var te *TransportError
	return errors.As(err, &te) && te.Sent
}

// IsNotSent reports an error after which nothing can have happened at Polar:
// no attempt left this process (connection refused, unknown host, TLS
// failure before the request, pacing or back-off cut short by the deadline
// or an interrupt), or Polar refused it before any side effect (429).
func IsNotSent(err error) bool {
	if err == nil {
		return false
	}
	if e, ok := AsError(err); ok {
		return e.StatusCode == http.StatusTooManyRequests
	}
	var te *TransportError
	return errors.As(err, &te) && !te.Sent
}

// TransportError is a call that got no HTTP response (connection refused
// or reset, timeout, context ended).
type TransportError struct {
	Method string
	Route  string
	Err    error
	// Sent reports that an attempt may have reached Polar; when false,
	// nothing was sent.
	Sent bool
}

func (e *TransportError) Error() string {
	if !e.Sent {
		return e.Method + " " + e.Route + ": not sent: " + Sanitize(e.Err.Error())
	}
	return e.Method + " " + e.Route + ": " + Sanitize(e.Err.Error())
}

func (e *TransportError) Unwrap() error { return e.Err }
