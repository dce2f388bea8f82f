package provider

import (
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// What the provider hands its resources, list resources and data sources
// once configured.

// providerData is what resources and data sources receive from Configure.
type providerData struct {
	client *polar.Client
	seats  *seatCache
	// endpoint and tokenSource go into diagnostics: most failures are a
	// token of another organization or environment.
	endpoint    string
	tokenSource string
	// pace is the requests per minute an apply is held to (applyPace); the
	// default timeouts grow with it.
	pace int

	mu sync.Mutex
	// planned are the recipients planned for new seats in this process,
	// per container, for the plan-time capacity warning.
	planned map[polar.Container]map[string]bool
	// claims are what each seat resource planned in this process manages,
	// per container, to refuse two resources that would fight (claim).
	claims map[polar.Container]*claimIndex
	// priors are what each plan with a prior state found in it, by plan
	// token, for the second call of a replacement (rememberPrior).
	priors map[string]replaced
	// siblings, when set, shares claims with the other provider processes
	// (provider configurations) of the same Terraform run.
	siblings siblingClaims
	// timing, when set, replaces the package's write timing (tests).
	timing *writeTiming
}

// providerDataFrom converts provider data, with "this is always a bug" wording.
func providerDataFrom(data any, diags interface {
	AddError(string, string)
}) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is always a bug in the provider; please report it.", data))
		return nil
	}
	return pd
}

// requireConfigured reports whether the provider is configured, with an
// error saying what to do when it is not.
func requireConfigured(data *providerData, diags *diag.Diagnostics) bool {
	if data == nil {
		diags.AddError("Polar provider not configured",
			"The provider configuration is not known (for example the access token comes from a resource not yet created). "+
				"Apply that resource first, or pass the token through "+EnvAccessToken+".")
		return false
	}
	return true
}
