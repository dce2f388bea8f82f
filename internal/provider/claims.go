package provider

import (
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// Claims: what each seat resource planned in this provider process manages,
// per container. Every resource of a plan is planned in one provider
// process, so two resources that would fight over a container (an exclusive
// one and any other, or two naming one recipient) are refused at plan time,
// and the capacity warning counts every seat the plan creates.

// claims are what the seat resources planned in this provider process
// manage, per container.
type claims struct {
	mu sync.Mutex
	// planned are the recipients planned for new seats, for the plan-time
	// capacity warning.
	planned map[polar.Container]map[string]bool
	// byContainer are what each resource manages, to refuse two resources
	// that would fight (claim).
	byContainer map[polar.Container][]containerClaim
}

// claim records the seat's recipient for the container, so that an
// assignments resource of the same plan that would fight over it is
// refused; it reports false, with the error, when this seat is the one
// refused.
func (r *customerSeatResource) claim(cfg *customerSeatModel, diags *diag.Diagnostics) bool {
	if r.data == nil || !containerKnown(cfg.SubscriptionID, cfg.OrderID) {
		return true
	}
	key := plannedRecipient(cfg)
	if key == "unknown" || key == "" {
		return true
	}
	msg := r.data.claim(cfg.container(), containerClaim{what: "a polar_customer_seat", single: true, recipients: map[string]bool{key: true}})
	if msg != "" {
		diags.AddAttributeError(containerPath(cfg.container()), "Two resources manage one seat", msg)
	}
	return msg == ""
}

// plannedRecipient keys a planned creation by its recipient.
func plannedRecipient(cfg *customerSeatModel) string {
	for _, name := range recipientAttrs {
		v := *cfg.recipient()[name]
		if v.IsUnknown() {
			return "unknown"
		}
		if !v.IsNull() {
			val := v.ValueString()
			if name == "email" {
				val = emailaddr.Key(val)
			}
			return name + "=" + val
		}
	}
	return ""
}

// planCreate records a recipient planned for a new seat and returns how
// many distinct ones the container has so far. Unknown recipients count
// each time.
func (cs *claims) planCreate(c polar.Container, recipient string) int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.planned == nil {
		cs.planned = map[polar.Container]map[string]bool{}
	}
	if cs.planned[c] == nil {
		cs.planned[c] = map[string]bool{}
	}
	if recipient == "unknown" {
		recipient = fmt.Sprintf("unknown#%d", len(cs.planned[c]))
	}
	cs.planned[c][recipient] = true
	return len(cs.planned[c])
}

// containerClaim is what one resource of a plan manages in a container.
type containerClaim struct {
	what       string // for messages
	single     bool   // a polar_customer_seat
	exclusive  bool
	recipients map[string]bool
}

func assignmentsClaim(rs []recipient, exclusive bool) containerClaim {
	c := containerClaim{what: "a polar_customer_seat_assignments", exclusive: exclusive, recipients: make(map[string]bool, len(rs))}
	if exclusive {
		c.what += " with exclusive = true"
	}
	for _, rc := range rs {
		c.recipients[rc.key()] = true
	}
	return c
}

// claim records what a resource planned in this process manages in a
// container and reports a conflict with one recorded before: an exclusive
// resource shares its container with no other seat resource, and two
// resources never manage the same recipient. Every resource of a plan is
// planned in the same provider process, so one of two conflicting ones
// always sees the other.
func (cs *claims) claim(c polar.Container, cl containerClaim) string {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.byContainer == nil {
		cs.byContainer = map[polar.Container][]containerClaim{}
	}
	for _, other := range cs.byContainer[c] {
		if cl.single && other.single {
			continue // Polar itself refuses the second; see assignment.refused
		}
		if other.exclusive || cl.exclusive {
			return fmt.Sprintf("This configuration has %s and %s for the %s. An exclusive resource revokes every seat it does not list, so it would "+
				"revoke the other's seats on every apply, and the other would assign them again. Give the container one exclusive resource, or set exclusive = false on it.", cl.what, other.what, c)
		}
		var both []string
		for key := range cl.recipients {
			if other.recipients[key] {
				both = append(both, strings.SplitN(key, "=", 2)[1])
			}
		}
		if len(both) > 0 {
			return fmt.Sprintf("This configuration has %s and %s for the %s that both manage %s. Polar gives a recipient one seat per container, "+
				"so the two would fight over it. Manage each recipient in one resource.", cl.what, other.what, c, listed(both))
		}
	}
	cs.byContainer[c] = append(cs.byContainer[c], cl)
	return ""
}
