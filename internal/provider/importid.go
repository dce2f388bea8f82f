package provider

import (
	"fmt"
	"strings"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// importID is a parsed polar_customer_seat import ID: the container and
// either the seat id or the recipient's email.
type importID struct {
	Container polar.Container
	SeatID    string
	Email     string
}

const importIDForms = "subscription/<subscription_id>/<seat_id>, order/<order_id>/<seat_id>, " +
	"subscription/<subscription_id>/<email> or order/<order_id>/<email>"

// parseImportID splits an import ID. Errors echo the input and list the
// accepted forms.
func parseImportID(raw string) (importID, error) {
	fail := func(why string) (importID, error) {
		return importID{}, fmt.Errorf("invalid import ID %q: %s. Expected %s", raw, why, importIDForms)
	}
	parts := strings.SplitN(raw, "/", 3)
	if len(parts) != 3 {
		return fail("it must have three parts separated by \"/\"")
	}
	kind := polar.ContainerKind(parts[0])
	if kind != polar.ContainerSubscription && kind != polar.ContainerOrder {
		return fail(fmt.Sprintf("the first part must be \"subscription\" or \"order\", not %q", parts[0]))
	}
	if !uuid4Pattern.MatchString(parts[1]) {
		return fail(fmt.Sprintf("the %s id %q is not a lowercase version-4 UUID", kind, parts[1]))
	}
	id := importID{Container: polar.Container{Kind: kind, ID: parts[1]}}
	switch last := parts[2]; {
	case uuidPattern.MatchString(last):
		id.SeatID = last
	case strings.Contains(last, "@"):
		norm, err := emailaddr.Normalize(last)
		if err != nil {
			return fail(fmt.Sprintf("%q is not a valid email address (%s)", last, err))
		}
		id.Email = norm
	default:
		return fail(fmt.Sprintf("the last part %q is neither a seat id (lowercase UUID) nor an email address", last))
	}
	return id, nil
}

// seatImportID is the import ID of a seat in its seat-id form, as
// parseImportID reads it.
func seatImportID(c polar.Container, seatID string) string {
	return fmt.Sprintf("%s/%s/%s", c.Kind, c.ID, seatID)
}
