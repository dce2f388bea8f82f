package emulator

import (
	"net/http"
	"strings"
)

// apiRoute is one of Polar's customer-seats calls. The table below drives
// dispatch, the Allow header of a 405, the request-counter keys and fault
// matching: a new call is one row and one handler. The handlers in seats.go
// return their answer; answering writes it.
type apiRoute struct {
	method  string
	pattern string // "/v1/customer-seats/{seat_id}/resend"
	handle  func(s *Server, w http.ResponseWriter, r *http.Request, c apiCall)
}

// apiCall is what a handler gets besides the request: who is calling and
// the path parameters.
type apiCall struct {
	who    *principal
	params map[string]string
}

// apiRoutes in the order Polar declares them. Matching follows Starlette:
// the first route whose path and method match handles the request; if only
// paths match, the first such route's path answers 405 with its methods.
// (So GET /v1/customer-seats/claim is a 405 with "Allow: DELETE", as on
// Polar: /{seat_id} is declared before /claim.)
var apiRoutes = []apiRoute{
	{http.MethodGet, "/v1/customer-seats", answering((*Server).handleList)},
	{http.MethodPost, "/v1/customer-seats", answering((*Server).handleAssign)},
	{http.MethodDelete, "/v1/customer-seats/{seat_id}", answering((*Server).handleRevoke)},
	{http.MethodPost, "/v1/customer-seats/{seat_id}/resend", answering((*Server).handleResend)},
	{http.MethodGet, "/v1/customer-seats/claim/{invitation_token}", answering((*Server).handleClaimInfo)},
	{http.MethodPost, "/v1/customer-seats/claim", answering((*Server).handleClaim)},
}

// routeMatch is the outcome of matching a request against apiRoutes.
type routeMatch struct {
	route  *apiRoute         // the route that handles it, or nil
	params map[string]string // its path parameters
	key    string            // "METHOD /path/{template}" for counters and faults
	allow  string            // for a 405: the methods the path allows
}

func matchRoute(method, path string) routeMatch {
	var partial *apiRoute
	for i := range apiRoutes {
		rt := &apiRoutes[i]
		params, ok := matchPattern(rt.pattern, path)
		if !ok {
			continue
		}
		if rt.method == method {
			return routeMatch{route: rt, params: params, key: method + " " + rt.pattern}
		}
		if partial == nil {
			partial = rt
		}
	}
	if partial == nil {
		return routeMatch{key: method + " " + path}
	}
	var methods []string
	for _, rt := range apiRoutes {
		if rt.pattern == partial.pattern {
			methods = append(methods, rt.method)
		}
	}
	return routeMatch{key: method + " " + partial.pattern, allow: strings.Join(methods, ", ")}
}

// matchPattern matches a path against a template whose {name} segments
// match any one non-empty segment.
func matchPattern(pattern, path string) (map[string]string, bool) {
	want, got := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(want) != len(got) {
		return nil, false
	}
	params := map[string]string{}
	for i, w := range want {
		if name, ok := strings.CutPrefix(w, "{"); ok {
			if got[i] == "" {
				return nil, false
			}
			params[strings.TrimSuffix(name, "}")] = got[i]
			continue
		}
		if w != got[i] {
			return nil, false
		}
	}
	return params, true
}
