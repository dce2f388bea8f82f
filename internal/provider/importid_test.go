package provider

import (
	"strings"
	"testing"
)

func TestCustomerSeat_import_parseImportID(t *testing.T) {
	const sub = "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"
	const seat = "f0a1aa95-9f75-4605-9777-fb503d2eeb77"
	id, err := parseImportID("subscription/" + sub + "/" + seat)
	if err != nil || id.Container.ID != sub || string(id.Container.Kind) != "subscription" || id.SeatID != seat || id.Email != "" {
		t.Fatalf("%+v %v", id, err)
	}
	id, err = parseImportID("order/" + sub + "/Alice@Example.COM")
	if err != nil || string(id.Container.Kind) != "order" || id.Email != "Alice@example.com" || id.SeatID != "" {
		t.Fatalf("%+v %v", id, err)
	}
	if seatImportID(id.Container, seat) != "order/"+sub+"/"+seat {
		t.Fatal(seatImportID(id.Container, seat))
	}
}

// FuzzParseImportID: any input parses or fails with an error that echoes it
// and lists the accepted forms; a parsed ID renders back to a valid ID.
func FuzzParseImportID(f *testing.F) {
	for _, s := range []string{
		"subscription/0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d/f0a1aa95-9f75-4605-9777-fb503d2eeb77",
		"order/0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d/a@b.io", "", "/", "//", "subscription//", "a/b/c/d", "order/x/y@z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		id, err := parseImportID(raw)
		if err != nil {
			msg := err.Error()
			if !strings.Contains(msg, "subscription/<subscription_id>/<seat_id>") || !strings.Contains(msg, "invalid import ID") {
				t.Fatalf("error for %q does not list the forms: %s", raw, msg)
			}
			return
		}
		if id.SeatID == "" && id.Email == "" {
			t.Fatalf("%q parsed without a seat or email", raw)
		}
		if id.SeatID != "" {
			back, err := parseImportID(seatImportID(id.Container, id.SeatID))
			if err != nil || back != id {
				t.Fatalf("%q does not round-trip: %+v %v", raw, back, err)
			}
		}
	})
}
