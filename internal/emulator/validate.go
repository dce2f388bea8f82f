package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
	"github.com/polarsource/terraform-provider-polar/internal/pyjson"
)

type assignReq struct {
	subscriptionID, orderID        *string
	email                          *string
	externalCustomerID, customerID *string
	externalMemberID, memberID     *string
	metadata                       map[string]any
	immediateClaim                 bool
}

// container is the subscription or order the request names (the model
// check makes sure it names exactly one).
func (r *assignReq) container() containerRef {
	if r.subscriptionID != nil {
		return containerRef{kind: kindSubscription, id: *r.subscriptionID}
	}
	return containerRef{kind: kindOrder, id: *r.orderID}
}

// parseUUIDAny accepts what pydantic's UUID accepts: hyphenated or not,
// any case, braces, urn:uuid: prefix. It returns the canonical form.
func parseUUIDAny(s string) (uuid.UUID, string, bool) {
	u, err := uuid.Parse(s)
	if err != nil {
		msg := err.Error()
		if len(s) > 0 {
			for i, r := range s {
				if !strings.ContainsRune("0123456789abcdefABCDEF-{}:urnURN", r) {
					msg = fmt.Sprintf("invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `%c` at %d", r, i+1)
					break
				}
			}
		}
		if len(s) == 0 || strings.HasPrefix(msg, "invalid UUID length") {
			msg = fmt.Sprintf("invalid length: expected length 32 for simple format, found %d", len(s))
		}
		return uuid.UUID{}, msg, false
	}
	return u, "", true
}

func uuidParsingErr(loc []any, input any, reason string) *fieldError {
	return &fieldError{Type: "uuid_parsing", Loc: loc, Msg: "Input should be a valid UUID, " + reason, Input: input, Ctx: map[string]any{"error": reason}}
}

// parseUUID4 validates a path or query id: any UUID syntax, version 4.
func parseUUID4(s string, loc []any) (string, *fieldError) {
	u, reason, ok := parseUUIDAny(s)
	if !ok {
		return "", uuidParsingErr(loc, s, reason)
	}
	if u.Version() != 4 {
		return "", &fieldError{Type: "uuid_version", Loc: loc, Msg: "UUID version 4 expected", Input: s, Ctx: map[string]any{"expected_version": 4}}
	}
	return u.String(), nil
}

func containsNUL(v any) bool {
	switch t := v.(type) {
	case string:
		return strings.ContainsRune(t, 0)
	case []any:
		for _, e := range t {
			if containsNUL(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range t {
			if strings.ContainsRune(k, 0) || containsNUL(e) {
				return true
			}
		}
	}
	return false
}

// parseBool is pydantic's lax bool.
func parseBool(raw json.RawMessage, loc []any) (bool, *fieldError) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	_ = dec.Decode(&v)
	switch t := v.(type) {
	case bool:
		return t, nil
	case json.Number:
		switch t.String() {
		case "0", "0.0":
			return false, nil
		case "1", "1.0":
			return true, nil
		}
		return false, &fieldError{Type: "bool_parsing", Loc: loc, Msg: "Input should be a valid boolean, unable to interpret input", Input: v}
	case string:
		switch strings.ToLower(t) {
		case "0", "off", "f", "false", "n", "no":
			return false, nil
		case "1", "on", "t", "true", "y", "yes":
			return true, nil
		}
		return false, &fieldError{Type: "bool_parsing", Loc: loc, Msg: "Input should be a valid boolean, unable to interpret input", Input: t}
	}
	return false, &fieldError{Type: "bool_type", Loc: loc, Msg: "Input should be a valid boolean", Input: v}
}

// parseAssign validates a SeatAssign body: field checks first, then (only if
// they all pass) the model checks in Polar's order.
func parseAssign(body map[string]json.RawMessage) (*assignReq, []fieldError) {
	req := &assignReq{}
	var errs []fieldError
	input := bodyInput(body)
	if body == nil {
		// No JSON object at all: every field takes its default, so the model
		// check reports the missing container.
		return nil, []fieldError{{Type: "value_error", Loc: []any{"body"}, Msg: "Value error, Exactly one of subscription_id or order_id must be provided", Input: input, Ctx: map[string]any{"error": map[string]any{}}}}
	}
	str := func(name string) (*string, bool) {
		raw, ok := body[name]
		if !ok || string(raw) == "null" {
			return nil, true
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			errs = append(errs, fieldError{Type: "string_type", Loc: []any{"body", name}, Msg: "Input should be a valid string", Input: rawValue(raw)})
			return nil, false
		}
		if strings.ContainsRune(s, 0) {
			errs = append(errs, nulError([]any{"body", name}, s))
			return nil, false
		}
		return &s, true
	}
	id := func(name string) *string {
		s, ok := str(name)
		if !ok || s == nil {
			return nil
		}
		u, reason, ok := parseUUIDAny(*s)
		if !ok {
			errs = append(errs, *uuidParsingErr([]any{"body", name}, *s, reason))
			return nil
		}
		c := u.String()
		return &c
	}
	req.subscriptionID = id("subscription_id")
	req.orderID = id("order_id")
	req.customerID = id("customer_id")
	req.memberID = id("member_id")
	req.externalCustomerID, _ = str("external_customer_id")
	req.externalMemberID, _ = str("external_member_id")
	if e, ok := str("email"); ok && e != nil {
		if norm, err := emailaddr.Normalize(*e); err != nil {
			errs = append(errs, fieldError{Type: "value_error", Loc: []any{"body", "email"}, Msg: "value is not a valid email address: " + err.Error(), Input: *e, Ctx: map[string]any{"reason": err.Error()}})
		} else {
			req.email = &norm
		}
	}
	if raw, ok := body["metadata"]; ok && string(raw) != "null" {
		md, e := parseMetadata(raw)
		if e != nil {
			errs = append(errs, *e)
		}
		req.metadata = md
	}
	if raw, ok := body["immediate_claim"]; ok {
		b, e := parseBool(raw, []any{"body", "immediate_claim"})
		if e != nil {
			errs = append(errs, *e)
		}
		req.immediateClaim = b
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if msg := checkAssignModel(req); msg != "" {
		return nil, []fieldError{{Type: "value_error", Loc: []any{"body"}, Msg: "Value error, " + msg, Input: input, Ctx: map[string]any{"error": map[string]any{}}}}
	}
	return req, nil
}

// parseMetadata is the metadata field's check: a dictionary without NUL, at
// most 10 keys and 1 KB as Python's json.dumps measures it.
func parseMetadata(raw json.RawMessage) (map[string]any, *fieldError) {
	var md map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	loc := []any{"body", "metadata"}
	switch {
	case dec.Decode(&md) != nil || md == nil:
		return nil, &fieldError{Type: "dict_type", Loc: loc, Msg: "Input should be a valid dictionary", Input: rawValue(raw)}
	case containsNUL(md):
		e := nulError(loc, rawValue(raw))
		return nil, &e
	case len(md) > pyjson.MaxMetadataKeys:
		return nil, &fieldError{Type: "value_error", Loc: loc, Msg: "Value error, Metadata cannot have more than 10 keys", Input: rawValue(raw), Ctx: map[string]any{"error": map[string]any{}}}
	case pyjson.Len(md) > pyjson.MaxMetadataSize:
		return nil, &fieldError{Type: "value_error", Loc: loc, Msg: "Value error, Metadata size cannot exceed 1KB", Input: rawValue(raw), Ctx: map[string]any{"error": map[string]any{}}}
	}
	return md, nil
}

// checkAssignModel is SeatAssign's model validator, in Polar's order: the
// message of the first rule broken, or "".
func checkAssignModel(req *assignReq) string {
	if (req.subscriptionID != nil) == (req.orderID != nil) {
		return "Exactly one of subscription_id or order_id must be provided"
	}
	count := func(ps ...*string) int {
		n := 0
		for _, p := range ps {
			if p != nil {
				n++
			}
		}
		return n
	}
	l := count(req.externalCustomerID, req.customerID)
	m := count(req.externalMemberID, req.memberID)
	e := count(req.email)
	switch {
	case l+m+e == 0:
		return "At least one of email, external_customer_id, customer_id, external_member_id, or member_id must be provided"
	case l > 0 && m > 0:
		return "Cannot combine external_customer_id/customer_id with external_member_id/member_id"
	case m > 1:
		return "Cannot provide both external_member_id and member_id"
	case l > 0 && l+e != 1:
		return "Exactly one of email, external_customer_id, or customer_id must be provided"
	case req.memberID != nil && req.email != nil:
		return "Cannot combine member_id with email"
	}
	return ""
}
