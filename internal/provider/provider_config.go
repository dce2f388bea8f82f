package provider

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// The provider block and the environment, turned into the client's
// configuration. clientConfig is a pure function of both, so that every
// combination is a row of a table test (provider_config_test.go).

// providerModel is the provider block.
type providerModel struct {
	AccessToken       types.String `tfsdk:"access_token"`
	Server            types.String `tfsdk:"server"`
	ServerURL         types.String `tfsdk:"server_url"`
	RequestsPerMinute types.Int64  `tfsdk:"requests_per_minute"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`
	RequestTimeout    types.String `tfsdk:"request_timeout"`
}

// hasUnknown reports a value known only after apply (a token from another
// resource).
func (m *providerModel) hasUnknown() bool {
	return m.AccessToken.IsUnknown() || m.Server.IsUnknown() || m.ServerURL.IsUnknown() ||
		m.RequestsPerMinute.IsUnknown() || m.MaxRetries.IsUnknown() || m.RequestTimeout.IsUnknown()
}

// setting is a string setting of the provider: the attribute's value, else
// its environment variable's, and which one it came from, for messages
// (they name where to fix a value, never the token itself).
type setting struct {
	value  string
	source string
}

// settingOf reads attribute v, falling back to the environment variable
// env; inBlock is how messages name the attribute when it is set.
func settingOf(v types.String, inBlock, env string, getenv func(string) string) setting {
	if !v.IsNull() && !v.IsUnknown() {
		return setting{value: v.ValueString(), source: inBlock}
	}
	return setting{value: getenv(env), source: "the " + env + " environment variable"}
}

// clientConfig builds the client's configuration (all but the user agent)
// from the provider block and the environment (getenv), and says where the
// token came from. Every bad value is an error on its attribute that names
// where the value came from.
func clientConfig(cfg providerModel, getenv func(string) string) (polar.Config, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	token := settingOf(cfg.AccessToken, "access_token in the provider block", EnvAccessToken, getenv)
	if token.value == "" {
		diags.AddAttributeError(path.Root("access_token"), "Missing Polar access token",
			"The provider needs a Polar organization access token with the scopes customer_seats:read and customer_seats:write. "+
				"Set access_token in the provider block or the "+EnvAccessToken+" environment variable. "+
				"Create one under Settings → Developers in the Polar dashboard (sandbox tokens at sandbox.polar.sh).")
	}
	baseURL, rpm := endpoint(cfg, getenv, &diags)
	rpm = requestsPerMinute(cfg.RequestsPerMinute, getenv, rpm, &diags)
	var retries *int
	if !cfg.MaxRetries.IsNull() {
		retries = polar.Retries(int(cfg.MaxRetries.ValueInt64()))
	}
	return polar.Config{
		AttemptTimeout:    requestTimeout(cfg.RequestTimeout, &diags),
		BaseURL:           baseURL,
		Token:             token.value,
		MaxRetries:        retries,
		RequestsPerMinute: rpm,
	}, token.source, diags
}

// endpoint is the base URL the provider talks to (server_url, else the
// server's), and the pace Polar's rate limit asks for there (none for a
// custom server_url).
func endpoint(cfg providerModel, getenv func(string) string, diags *diag.Diagnostics) (string, int) {
	baseURL, rpm := polar.ProductionURL, productionRequestsPerMinute
	server := settingOf(cfg.Server, "server", EnvServer, getenv)
	switch server.value {
	case "", "production":
	case "sandbox":
		baseURL, rpm = polar.SandboxURL, sandboxRequestsPerMinute
	default:
		diags.AddAttributeError(path.Root("server"), "Unknown Polar server",
			fmt.Sprintf("%s is %q; expected \"production\" or \"sandbox\" (or set server_url for another endpoint).", server.source, server.value))
	}
	if u := settingOf(cfg.ServerURL, "server_url", EnvServerURL, getenv); u.value != "" {
		addServerURLError(diags, u.source, u.value)
		baseURL, rpm = strings.TrimRight(u.value, "/"), 0
	}
	return baseURL, rpm
}

// requestsPerMinute is the configured pace, else the environment's, else
// the endpoint's default.
func requestsPerMinute(v types.Int64, getenv func(string) string, def int, diags *diag.Diagnostics) int {
	if !v.IsNull() {
		return int(v.ValueInt64())
	}
	s := getenv(EnvRequestsPerMinute)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		diags.AddAttributeError(path.Root("requests_per_minute"), "Invalid "+EnvRequestsPerMinute,
			fmt.Sprintf("%s is %q; expected a whole number >= 0.", EnvRequestsPerMinute, s))
	}
	return n
}

// requestTimeout is the configured time one attempt may take (0: the
// client's default). The attribute's validator refuses a bad value at
// validate time; it is checked again here so that no value is ever
// silently taken as the default.
func requestTimeout(v types.String, diags *diag.Diagnostics) time.Duration {
	if v.IsNull() {
		return 0
	}
	d, err := time.ParseDuration(v.ValueString())
	if err != nil || d <= 0 {
		diags.AddAttributeError(path.Root("request_timeout"), "Invalid duration",
			fmt.Sprintf("request_timeout %q is not a positive duration such as 30s or 2m.", v.ValueString()))
		return 0
	}
	return d
}

// addServerURLError adds the error of a server_url that checkServerURL
// refuses. The error of a URL that may carry credentials (user:password@)
// names no attribute: Terraform prints the source line of an attribute's
// error, and that line holds the password.
func addServerURLError(diags *diag.Diagnostics, source, raw string) {
	err := checkServerURL(raw)
	if err == nil {
		return
	}
	if strings.Contains(raw, "@") {
		diags.AddError("Invalid Polar server URL",
			source+": "+err.Error()+". This message does not show the configuration line, which holds the credentials; "+
				"if it ran in CI, change that password.")
		return
	}
	diags.AddAttributeError(path.Root("server_url"), "Invalid Polar server URL", source+": "+err.Error())
}

// checkServerURL accepts an absolute https URL, or http to loopback only.
func checkServerURL(raw string) error {
	u, err := url.Parse(raw)
	if err == nil && u.User != nil {
		// Never echoed: the message would carry the credentials.
		return fmt.Errorf("the URL must not carry credentials (user:password@); give the token as access_token")
	}
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		shown := fmt.Sprintf("%q", raw)
		if strings.Contains(raw, "@") {
			shown = "the value"
		}
		return fmt.Errorf("%s is not an absolute http(s) URL such as https://api.polar.sh or http://127.0.0.1:8787", shown)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q must not carry a query or a fragment", raw)
	}
	if u.Scheme == "http" && !polar.IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("%q uses plain http to a host that is not loopback: the access token would travel in clear. Use https, or http only to a loopback address (127.0.0.1, ::1) or localhost", raw)
	}
	return nil
}
