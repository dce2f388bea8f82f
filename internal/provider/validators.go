package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
	"github.com/polarsource/terraform-provider-polar/internal/pyjson"
)

var (
	uuidPattern  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	uuid4Pattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

// uuidValidator checks a lowercase hyphenated UUID, as Polar returns them
// (so state never differs from the API by case). version4 is required for
// subscription and order ids: the list endpoint only accepts v4.
type uuidValidator struct{ version4 bool }

func (v uuidValidator) Description(context.Context) string {
	if v.version4 {
		return "must be a lowercase, hyphenated version-4 UUID"
	}
	return "must be a lowercase, hyphenated UUID"
}

func (v uuidValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v uuidValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	ok := uuidPattern.MatchString(s)
	if v.version4 {
		ok = uuid4Pattern.MatchString(s)
	}
	if !ok {
		hint := ""
		if uuidPattern.MatchString(strings.ToLower(s)) && strings.ToLower(s) != s {
			hint = fmt.Sprintf(" Write it in lower case: %q.", strings.ToLower(s))
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid UUID",
			fmt.Sprintf("%s %s, such as 0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d; got %q.%s", req.Path, v.Description(ctx), s, hint))
	}
}

// emailValidator applies Polar's email syntax rules at plan time.
type emailValidator struct{}

func (emailValidator) Description(context.Context) string {
	return "must be an email address Polar accepts"
}
func (v emailValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (emailValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := emailaddr.Normalize(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid email address",
			fmt.Sprintf("%s %q is not an email address Polar accepts: %s", req.Path, req.ConfigValue.ValueString(), err))
	}
}

// noNULValidator rejects strings Polar refuses ("This value contains invalid characters").
type noNULValidator struct{}

func (noNULValidator) Description(context.Context) string { return "must not contain NUL characters" }
func (v noNULValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (noNULValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !req.ConfigValue.IsNull() && !req.ConfigValue.IsUnknown() && strings.ContainsRune(req.ConfigValue.ValueString(), 0) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid characters", fmt.Sprintf("%s contains a NUL character, which Polar rejects.", req.Path))
	}
}

// metadataValidator applies Polar's metadata limits: at most 10 keys and at
// most 1024 characters as Python's json.dumps writes it.
type metadataValidator struct{}

func (metadataValidator) Description(context.Context) string {
	return fmt.Sprintf("at most %d keys and %d characters serialised as Polar measures it", pyjson.MaxMetadataKeys, pyjson.MaxMetadataSize)
}
func (v metadataValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (metadataValidator) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	m := map[string]string{}
	for k, v := range elems {
		s, ok := v.(types.String)
		if !ok || s.IsUnknown() {
			return
		}
		if s.IsNull() {
			continue // a key not set: not sent
		}
		if strings.ContainsRune(k, 0) || strings.ContainsRune(s.ValueString(), 0) {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid characters", fmt.Sprintf("%s key %q contains a NUL character, which Polar rejects.", req.Path, k))
			return
		}
		m[k] = s.ValueString()
	}
	resp.Diagnostics.Append(metadataLimits(req.Path, m, "")...)
}

// metadataLimits checks set metadata keys against Polar's limits; why, when
// given, ends each error's detail.
func metadataLimits(p path.Path, m map[string]string, why string) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(m) > pyjson.MaxMetadataKeys {
		diags.AddAttributeError(p, "Too many metadata keys",
			fmt.Sprintf("%s has %d keys; Polar allows at most %d.%s", p, len(m), pyjson.MaxMetadataKeys, why))
		return diags
	}
	if n := pyjson.StringMapLen(m); n > pyjson.MaxMetadataSize {
		diags.AddAttributeError(p, "Metadata too large",
			fmt.Sprintf("%s serialises to %d characters; Polar allows at most %d (measured as Python's json.dumps writes it: \", \" and \": \" separators, and 6 characters for every non-ASCII character).%s",
				p, n, pyjson.MaxMetadataSize, why))
	}
	return diags
}

// serverURLValidator checks server_url at validate time when it is known.
type serverURLValidator struct{}

func (serverURLValidator) Description(context.Context) string {
	return "an absolute https URL, or http to a loopback address"
}
func (v serverURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (serverURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	addServerURLError(&resp.Diagnostics, "server_url", req.ConfigValue.ValueString())
}

// recipientAttrs are the recipient attributes, in Polar's SeatAssign order.
var recipientAttrs = []string{"email", "external_customer_id", "customer_id", "external_member_id", "member_id"}

// validRecipientSets are Polar's only accepted recipient combinations.
var validRecipientSets = [][]string{
	{"email"}, {"external_customer_id"}, {"customer_id"}, {"external_member_id"}, {"external_member_id", "email"}, {"member_id"},
}

// checkRecipient returns the error for a set of configured recipient
// attributes, or "" when Polar accepts the combination.
func checkRecipient(set map[string]bool) string {
	for _, valid := range validRecipientSets {
		if len(valid) != len(set) {
			continue
		}
		ok := true
		for _, a := range valid {
			ok = ok && set[a]
		}
		if ok {
			return ""
		}
	}
	var given []string
	for _, a := range recipientAttrs {
		if set[a] {
			given = append(given, a)
		}
	}
	accepted := "exactly one of email, external_customer_id, customer_id, external_member_id or member_id; or external_member_id together with email"
	if len(given) == 0 {
		return "No recipient is set: set " + accepted + "."
	}
	return fmt.Sprintf("%s cannot be combined: Polar accepts %s.", strings.Join(given, ", "), accepted)
}

// recipientPaths are the attribute paths named in a recipient error.
func recipientPaths(set map[string]bool) []path.Path {
	var out []path.Path
	for _, a := range recipientAttrs {
		if set[a] {
			out = append(out, path.Root(a))
		}
	}
	if len(out) == 0 {
		out = append(out, path.Root("email"))
	}
	return out
}

// durationValidator checks a positive Go duration such as "30s", and at
// least min when min is set (the timeouts blocks: minTimeout says why).
type durationValidator struct{ min time.Duration }

func (v durationValidator) Description(context.Context) string {
	if v.min > 0 {
		return fmt.Sprintf("a duration of at least %s such as 30s or 2m", v.min)
	}
	return "a positive duration such as 30s or 2m"
}
func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	switch {
	case err != nil || d <= 0:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s %q is not a positive duration such as 30s or 2m.", req.Path, req.ConfigValue.ValueString()))
	case d < v.min:
		resp.Diagnostics.AddAttributeError(req.Path, "Duration too short",
			fmt.Sprintf("%s %q is shorter than %s: Polar counts its rate limit in whole seconds, so no operation fits in less. "+
				"Write it in seconds or minutes (30s, 15m), or leave it out for the default.", req.Path, req.ConfigValue.ValueString(), v.min))
	}
}
