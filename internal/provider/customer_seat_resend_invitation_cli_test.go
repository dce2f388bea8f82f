package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// requireTerraform skips a test when the Terraform the CLI tests run
// (terraformPath) is older than 1.minor, saying what that version lacks.
func requireTerraform(t *testing.T, minor int, lacks string) {
	t.Helper()
	out, err := exec.Command(terraformPath(), "version", "-json").Output()
	if err != nil {
		t.Fatalf("terraform version: %v", err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("terraform version -json: %v\n%s", err, out)
	}
	parts := strings.SplitN(v.Version, ".", 3)
	major, _ := strconv.Atoi(parts[0])
	got := 0
	if len(parts) > 1 {
		got, _ = strconv.Atoi(parts[1])
	}
	if major == 1 && got < minor {
		t.Skipf("Terraform %s has no %s (1.%d or later); this test runs in CI with a newer Terraform", v.Version, lacks, minor)
	}
}

// The action end to end through the real CLI: `terraform apply -invoke`
// resends every pending invitation of the subscription (not the claimed
// seat's), or one seat's; an action_trigger runs it after a reminder round
// changes; a claimed seat id fails the invocation with nothing sent.
func TestAccCustomerSeatResendInvitation_action_invoke(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly() // the emulator's outbox shows what was mailed
	requireTerraform(t, 14, "actions (terraform apply -invoke, action_trigger)")
	pendingEmail, claimedEmail, carolEmail := e.email("pending"), e.email("claimed"), e.email("carol")
	pending, err := e.client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: &e.subscriptionID, Email: &pendingEmail})
	e.must(err)
	claimed, err := e.client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: &e.subscriptionID, Email: &claimedEmail, ImmediateClaim: true})
	e.must(err)
	_, tf := e.cliWorkspace(e.config(`
resource "polar_customer_seat" "carol" {
  subscription_id = %[1]q
  email           = %[2]q
}

variable "reminder_round" {
  type    = string
  default = "1"
}

resource "terraform_data" "reminder_round" {
  input = var.reminder_round

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.polar_customer_seat_resend_invitation.pending]
    }
  }
}

action "polar_customer_seat_resend_invitation" "pending" {
  config {
    subscription_id = %[1]q
  }
}

action "polar_customer_seat_resend_invitation" "carol" {
  config {
    subscription_id = %[1]q
    seat_ids        = [polar_customer_seat.carol.id]
  }
}

action "polar_customer_seat_resend_invitation" "claimed" {
  config {
    subscription_id = %[1]q
    seat_ids        = [%[3]q]
  }
}
`, e.subscriptionID, carolEmail, claimed.ID))
	if out, err := tf("apply", "-auto-approve"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	var carol string
	for _, s := range e.activeSeats(e.sub()) {
		if s.Email != nil && *s.Email == carolEmail {
			carol = s.ID
		}
	}
	// emails counts the invitations mailed so far to carol and to the
	// pending seat (assignment included); the claimed seat never gets one.
	emails := func(step string, wantCarol, wantPending int) {
		t.Helper()
		if c, p, cl := e.outboxEmails(carol), e.outboxEmails(pending.ID), e.outboxEmails(claimed.ID); c != wantCarol || p != wantPending || cl != 0 {
			t.Fatalf("%s: invitations mailed to carol %d (want %d), to the pending seat %d (want %d), to the claimed seat %d", step, c, wantCarol, p, wantPending, cl)
		}
	}
	emails("after the apply", 1, 1)

	out, err := tf("apply", "-auto-approve", "-invoke=action.polar_customer_seat_resend_invitation.pending")
	if err != nil || !strings.Contains(out, "Resent the invitation to "+carolEmail) || !strings.Contains(out, "2 resent, 0 reissued, 1 skipped, 0 failed") {
		t.Fatalf("apply -invoke pending: %v\n%s", err, out)
	}
	emails("after -invoke pending", 2, 2)

	if out, err := tf("apply", "-auto-approve", "-invoke=action.polar_customer_seat_resend_invitation.carol"); err != nil {
		t.Fatalf("apply -invoke carol: %v\n%s", err, out)
	}
	emails("after -invoke carol", 3, 2)

	if out, err := tf("apply", "-auto-approve", "-var", "reminder_round=2"); err != nil {
		t.Fatalf("apply with a new reminder round: %v\n%s", err, out)
	}
	emails("after the action_trigger", 4, 3)

	out, err = tf("apply", "-auto-approve", "-invoke=action.polar_customer_seat_resend_invitation.claimed")
	if err == nil || !wrapped(fmt.Sprintf("seat %s is claimed: %s accepted the invitation", claimed.ID, claimedEmail)).MatchString(out) ||
		!strings.Contains(out, "Seat not pending: nothing was sent") {
		t.Fatalf("apply -invoke claimed: want a refusal naming the seat, got %v\n%s", err, out)
	}
	emails("after -invoke claimed", 4, 3)
}
