package polar_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// A list answer is read as it arrives, so its size is not bounded by what
// the client reads whole (errors, single seats). Before, every answer was
// read whole and cut at 64 MB: the list of a large container with metadata
// failed with "unexpected EOF". Not parallel: it lowers that bound.
func TestClient_decode_listNotBoundedByTheWholeAnswerLimit(t *testing.T) {
	body := listBody(t, 100) // about 82 kB
	restore := polar.SetMaxAnswerBytes(4 << 10)
	defer restore()
	l, err := listServer(t, body).ListSeats(context.Background(), benchSub)
	if err != nil {
		t.Fatalf("a list of %d bytes over a 4 kB bound: %v", len(body), err)
	}
	var want polar.SeatsList
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(l.Seats, want.Seats) || l.TotalSeats != want.TotalSeats || l.AvailableSeats != want.AvailableSeats {
		t.Fatal("the list read as it arrives differs from the answer decoded whole")
	}
}

// Reading a list as it arrives gives what decoding it whole gives, whatever
// the order of its members, with members it does not know, and with no
// seats; a body that is not a list fails.
func TestClient_decode_listAsItArrives(t *testing.T) {
	for _, body := range []string{
		`{"seats":[{"id":"a","status":"pending","seat_metadata":{"n":12345678901234567890}}],"available_seats":4,"total_seats":5}`,
		`{"total_seats":5,"extra":{"nested":[1,{"x":null}]},"available_seats":5,"seats":[]}`,
		`{"seats":null,"available_seats":0,"total_seats":0}`,
		`{"available_seats":1,"seats":[{"id":"a","status":"revoked","email":null},{"id":"b","status":"claimed","email":"b@acme.io"}],"total_seats":2} `,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(body)) }))
		c, _ := polar.NewClient(polar.Config{BaseURL: srv.URL, Token: "polar_oat_test"})
		got, err := c.ListSeats(context.Background(), benchSub)
		srv.Close()
		var want polar.SeatsList
		dec := json.NewDecoder(bytes.NewReader([]byte(body)))
		dec.UseNumber()
		if derr := dec.Decode(&want); derr != nil || err != nil {
			t.Fatalf("%s: %v %v", body, err, derr)
		}
		got.Clock = polar.ServerClock{}
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("%s:\nread as it arrives %+v\ndecoded whole      %+v", body, *got, want)
		}
	}
	for _, body := range []string{`[]`, `{"seats":{}}`, `{"seats":[{"id":1}]}`, `{"seats":[`, `<html>`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(body)) }))
		c, _ := polar.NewClient(polar.Config{BaseURL: srv.URL, Token: "polar_oat_test"})
		_, err := c.ListSeats(context.Background(), benchSub)
		srv.Close()
		if err == nil {
			t.Errorf("%s: read as a list", body)
		}
	}
}
