package polar

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestError_decode_shapes(t *testing.T) {
	cases := []struct {
		name   string
		status int
		header http.Header
		body   string
		code   string
		detail string
		text   string
	}{
		{"polar", 400, nil, `{"error":"SeatNotAvailable","detail":"No available seats for x"}`, "SeatNotAvailable", "No available seats for x", "400 SeatNotAvailable: No available seats for x"},
		{"oauth", 401, nil, `{"error":"invalid_token","error_description":"The access token provided is expired"}`, "invalid_token", "The access token provided is expired", "401 invalid_token: The access token"},
		{"routing", 404, nil, `{"detail":"Not Found"}`, "", "Not Found", "404 Not Found: Not Found"},
		{"rate limit", 429, http.Header{"Retry-After": {"60"}}, ``, "", "", "429 Too Many Requests (retry after 1m0s)"},
		{"not json", 502, http.Header{"Content-Type": {"text/html"}}, "<html>\n  <body>bad   gateway</body>\n</html>", "", `the answer is not JSON (text/html, 43 bytes: "<html> <body>bad gateway</body> </html>")`, "502 Bad Gateway: the answer is not JSON"},
		{"request id", 500, http.Header{"X-Request-Id": {"req_1"}}, `{"error":"X","detail":"y"}`, "X", "y", "[request id req_1]"},
		{"validation", 422, nil, `{"error":"RequestValidationError","detail":[{"type":"value_error","loc":["body","metadata"],"msg":"Value error, Metadata cannot have more than 10 keys","input":{}},{"type":"json_invalid","loc":["body",12],"msg":"JSON decode error","input":{}}]}`,
			"RequestValidationError", "", "422 RequestValidationError: body.metadata: Metadata cannot have more than 10 keys; body.12: JSON decode error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := DecodeError(c.status, c.header, []byte(c.body))
			if e.Code != c.code || e.Detail != c.detail || !strings.Contains(e.Error(), c.text) {
				t.Fatalf("got code=%q detail=%q text=%q", e.Code, e.Detail, e.Error())
			}
		})
	}
	if e := DecodeError(429, http.Header{"Retry-After": {"7"}}, nil); e.RetryAfter != 7*time.Second || !IsRateLimited(e) {
		t.Fatalf("retry-after %v", e.RetryAfter)
	}
}

func TestError_sanitize_stripsTokensAndTruncates(t *testing.T) {
	in := "failed for Authorization: Bearer polar_oat_abcdefABCDEF0123456789 and polar_oat_zzzzzzzzzzzz " + strings.Repeat("é", 600)
	out := Sanitize(in)
	if strings.Contains(out, "polar_oat_") || strings.Contains(out, "abcdefABCDEF") || !strings.Contains(out, "[redacted]") {
		t.Fatalf("token survived: %q", out)
	}
	if len(out) > maxDetailLen+20 || !strings.HasSuffix(out, "(truncated)") || !utf8.ValidString(out) {
		t.Fatalf("not truncated cleanly: %d %q", len(out), out[len(out)-30:])
	}
	e := DecodeError(400, nil, []byte(`{"error":"X","detail":"token polar_oat_leakleakleak was rejected"}`))
	if strings.Contains(e.Error(), "leakleak") {
		t.Fatalf("error text leaks: %s", e.Error())
	}
}

// FuzzDecodeError: any status, header and body decode without panicking,
// render readable text, and never echo a bearer-looking token.
func FuzzDecodeError(f *testing.F) {
	f.Add(400, "", `{"error":"SeatNotAvailable","detail":"No available seats for x"}`)
	f.Add(422, "", `{"error":"RequestValidationError","detail":[{"type":"missing","loc":["body",1,null,true],"msg":"Field required"}]}`)
	f.Add(401, "", `{"error":"invalid_token","error_description":"bad"}`)
	f.Add(429, "60", ``)
	f.Add(429, "Wed, 21 Oct 2015 07:28:00 GMT", `null`)
	f.Add(500, "-1", `{"detail":{"nested":["x"]}}`)
	f.Add(403, "", `{"error":"polar_oat_secretsecret","detail":"Bearer abc.def"}`)
	f.Add(404, "", `[1,2,3]`)
	f.Fuzz(func(t *testing.T, status int, retryAfter, body string) {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		e := DecodeError(status, h, []byte(body))
		text := e.Error()
		if e.StatusCode != status || e.RetryAfter < 0 {
			t.Fatalf("status %d retry %v", e.StatusCode, e.RetryAfter)
		}
		if strings.Contains(text, "polar_oat_secret") || strings.Contains(strings.ToLower(text), "bearer abc") {
			t.Fatalf("token echoed: %q", text)
		}
		if len(e.Detail) > maxDetailLen+len("…(truncated)") {
			t.Fatalf("detail not truncated: %d", len(e.Detail))
		}
	})
}
