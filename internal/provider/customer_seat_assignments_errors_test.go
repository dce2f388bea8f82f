package provider

import (
	"fmt"
	"regexp"
	"testing"
)

// Bad input fails at validate or plan time naming the attribute, with no
// API call.
func TestAccCustomerSeatAssignments_errors_badInput(t *testing.T) {
	t.Parallel()
	e := newAccEnv(t)
	e.emulatorOnly()
	team := func(body string) string {
		return fmt.Sprintf("resource \"polar_customer_seat_assignments\" \"NAME\" {\n  subscription_id = %q\n  %s\n}", e.subscriptionID, body)
	}
	e.validateRefusesEach([]badInput{
		{"bad email", team(`emails = ["not-an-email"]`), regexp.MustCompile(`emails\[0\] "not-an-email" is not an email address`)},
		{"same mailbox twice", team(`emails = ["a@acme.io", "A@ACME.IO"]`), regexp.MustCompile(`Recipient listed twice`)},
		{"member id not a uuid", team(`member_ids = ["nope"]`), regexp.MustCompile(`Invalid UUID[\s\S]*member_ids\[0\] must be a[\s\S]*got\s+"nope"`)},
		{"empty external member id", team(`external_member_ids = [""]`), regexp.MustCompile(`external_member_ids\[0\] string length must be at least 1`)},
		{"two containers", team("emails = [\"x@acme.io\"]\n  order_id = \"" + e.orderID + "\""), regexp.MustCompile(`(?s)Invalid Attribute Combination.*Exactly one of these attributes`)},
		{"one value in two lists", team("emails = [\"emp_1@acme.io\"]\n  external_member_ids = [\"emp_1@acme.io\"]"), regexp.MustCompile(`"emp_1@acme.io" is in both emails and\s+external_member_ids`)},
		{"NUL in an external member id", team(`external_member_ids = ["a\u0000b"]`), regexp.MustCompile(`external_member_ids\[0\] contains a NUL character`)},
	})
}
