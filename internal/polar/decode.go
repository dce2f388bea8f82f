package polar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxAnswerBytes bounds what the client reads of an answer it holds whole:
// an error, a seat. A list is never held whole (see decodeStream), so it
// has no bound: a large container's list with metadata runs to tens of
// megabytes (about 820 bytes a seat without metadata, up to 6 kB more with
// Polar's largest).
var maxAnswerBytes int64 = 64 << 20

// streamDecoder is an answer decoded as it arrives.
type streamDecoder interface {
	decodeStream(dec *json.Decoder) error
}

// readError is a failure to read an answer's body (the connection broke),
// as opposed to a body that is not the answer.
type readError struct{ err error }

func (e *readError) Error() string { return "reading response: " + e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// errRecorder remembers the first error reading its reader, so that a
// decoder's failure can be told from the connection's.
type errRecorder struct {
	r   io.Reader
	err error
}

func (e *errRecorder) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && e.err == nil {
		e.err = err
	}
	return n, err
}

// readAll reads an answer held whole, up to maxAnswerBytes.
func readAll(body io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(body, maxAnswerBytes))
	if err != nil {
		return nil, &readError{err}
	}
	return data, nil
}

// decodeAnswer decodes a 2xx answer into out, numbers as Polar sent them: a
// list as it arrives, anything else read whole.
func decodeAnswer(body io.Reader, out any) error {
	if out == nil {
		_, err := io.Copy(io.Discard, io.LimitReader(body, maxAnswerBytes))
		return err
	}
	if s, ok := out.(streamDecoder); ok {
		r := &errRecorder{r: body}
		dec := json.NewDecoder(r)
		dec.UseNumber()
		if err := s.decodeStream(dec); err != nil {
			if r.err != nil {
				return &readError{r.err}
			}
			return err
		}
		return nil
	}
	data, err := readAll(body)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(out)
}

// decodeStream reads a list answer seat by seat: the decoder holds one
// seat's text at a time, never the whole answer. Members other than seats,
// available_seats and total_seats are skipped, as json.Unmarshal would.
func (l *SeatsList) decodeStream(dec *json.Decoder) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch key, _ := tok.(string); key {
		case "seats":
			if err := l.decodeSeats(dec); err != nil {
				return err
			}
		case "available_seats":
			err = dec.Decode(&l.AvailableSeats)
		case "total_seats":
			err = dec.Decode(&l.TotalSeats)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return err
		}
	}
	return expectDelim(dec, '}')
}

func (l *SeatsList) decodeSeats(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil || tok == nil { // null: no seats
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("seats: expected an array, got %v", tok)
	}
	l.Seats = []CustomerSeat{} // [] is no seats, as json.Unmarshal has it
	for dec.More() {
		var s CustomerSeat
		if err := dec.Decode(&s); err != nil {
			return fmt.Errorf("seat %d: %w", len(l.Seats), err)
		}
		l.Seats = append(l.Seats, s)
	}
	return expectDelim(dec, ']')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, got %v", want, tok)
	}
	return nil
}
