package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"syscall"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// importHint prints the import command and block that adopt a seat.
func importHint(c polar.Container, seatID string) string {
	id := seatImportID(c, seatID)
	return fmt.Sprintf("To adopt the existing seat, run:\n\n  terraform import 'polar_customer_seat.<name>' '%s'\n\nor add an import block:\n\n  import {\n    to = polar_customer_seat.<name>\n    id = \"%s\"\n  }", id, id)
}

// apiErrorDiag turns any API error into a diagnostic that says what failed,
// why, and what to do. It names the server and where the token came from
// (never the token), since most failures are a token of the wrong
// organization or environment.
func (pd *providerData) apiErrorDiag(summary string, err error, container polar.Container, scope string) diag.Diagnostics {
	var diags diag.Diagnostics
	msg := polar.Sanitize(err.Error())
	where := fmt.Sprintf("This run talks to %s with the token from %s.", pd.endpoint, pd.tokenSource)
	var detail string
	switch {
	case polar.IsUnauthorized(err):
		detail = "Polar rejected the access token: it is missing, invalid, expired or revoked. " + where + " Set a valid organization access token " +
			"in the provider's access_token or the " + EnvAccessToken + " environment variable (production and sandbox tokens differ: check server)."
	case polar.IsInsufficientScope(err):
		detail = "The access token lacks the scope " + scope + ". Create an organization access token with both customer_seats:read and customer_seats:write."
	case polar.IsFeatureNotEnabled(err):
		detail = "Seat-based pricing is not enabled for this organization. Enable it in the Polar dashboard (organization settings) before managing seats."
	case polar.IsNotFound(err) && container.ID != "":
		detail = fmt.Sprintf("Polar answered that the %s does not exist in the organization of the access token. %s "+
			"Polar does not delete subscriptions or orders, so this almost always means a token of another organization, a sandbox token against "+
			"production (or the reverse), or a mistyped id. The provider does not take this as the seats being gone: state is left as it is and no seat is touched.\n\n"+
			"If the %s really is gone, forget its seats with `terraform state rm` (or a `removed` block with `destroy = false`).", container, where, container.Kind)
	case polar.IsRateLimited(err):
		detail = "Polar's rate limit (per organization, shared with every other system using it) refused the request until the retries (max_retries) or the " +
			"operation's timeout ran out. Nothing was changed by this request. Lower requests_per_minute, raise the timeouts, or run with less parallelism."
	case polar.IsValidation(err):
		detail = "Polar rejected the request as invalid. This should have been caught at plan time; please report it."
	case polar.IsNotSent(err):
		detail = "The request was never sent to Polar, so nothing changed there: " + notSentReason(err) + " " + where
	case polar.IsOutcomeUnknown(err):
		detail = "The request reached Polar (or may have) but no usable answer came back, so its outcome is unknown. Run terraform plan to see the current state."
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		detail = "The operation was interrupted or ran out of time (the resource's timeouts) while waiting for a list of seats; nothing was changed by this step. Run it again."
	default:
		detail = "The Polar API call failed. If the problem persists, check Polar's status and the provider's debug log (TF_LOG=DEBUG)."
	}
	diags.AddError(summary, detail+"\n\nPolar said: "+msg)
	return diags
}

// notSentReason says why a request never left, and what to check.
func notSentReason(err error) string {
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "nothing accepts connections at the server address (connection refused). Check server_url."
	case errors.As(err, &dns):
		return "the server's host name could not be resolved. Check server_url and the network."
	case polar.IsRateLimited(err):
		return "Polar's rate limit refused it."
	}
	return "the operation was interrupted, timed out, or the connection could not be made before sending."
}

// containerImportHint says how to bring a seat assigned outside Terraform
// under an assignments resource: import the whole container.
func containerImportHint(c polar.Container, _ string) string {
	id := containerImportID(c)
	return fmt.Sprintf("To manage the seats that already exist, import the container, which adopts every active seat:\n\n"+
		"  terraform import 'polar_customer_seat_assignments.<name>' '%s'\n\n"+
		"(for a resource already in state, run terraform state rm on it first; nothing is revoked by that), or remove the recipient from this resource.", id)
}

// listed names up to ten recipients, for messages.
func listed(rs []string) string {
	sort.Strings(rs)
	if len(rs) > 10 {
		return strings.Join(rs[:10], ", ") + fmt.Sprintf(" and %d more", len(rs)-10)
	}
	return strings.Join(rs, ", ")
}
