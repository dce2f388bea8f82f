package emailaddr

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/bidi"
	"golang.org/x/text/unicode/norm"
)

// This file reproduces what email-validator asks of Python's idna package
// (core.py): uts46_remap, alabel, ulabel and decode, with the same checks in
// the same order and the same messages. Where Go's libraries differ from
// Python's idna, the difference is bridged here:
//
//   - UTS-46 mapping: golang.org/x/net/idna has no remap-only call, and its
//     ToUnicode also decodes xn-- labels. We map one code point at a time
//     through a lookup profile with every check off (the mapping table is
//     per code point, so this is exact), turn the four Unicode full stops
//     into ".", and NFC the result, as uts46_remap does.
//   - IDNA 2008 validity (PVALID, CONTEXTJ, CONTEXTO, DISALLOWED):
//     x/net/idna validates labels against the UTS-46 table, which accepts
//     symbols such as emoji (valid under UTS-46, DISALLOWED under IDNA
//     2008). Python's idna uses the IDNA 2008 table, so we derive the class
//     of each code point with RFC 5892's algorithm from Go's Unicode tables.
//   - The CONTEXTJ rule for ZERO WIDTH NON-JOINER needs Arabic joining
//     types, which Go does not ship: it is accepted only after a virama (the
//     first half of the rule). Email addresses never get this far with a
//     joiner in the Unicode form, since check_unsafe_chars refuses format
//     characters first; only an xn-- label can decode to one.
//   - Bidi classes come from golang.org/x/text/unicode/bidi; Python's repr()
//     of a label, used in messages, is pyRepr.
//   - Punycode: idna.Punycode, which does the raw conversion only.

// uts46Remap is idna.uts46_remap(domain, std3_rules=False, transitional=False).
func uts46Remap(domain string) (string, error) {
	var b strings.Builder
	pos := 0
	for _, c := range domain {
		pos++
		switch c {
		case '.', '\u3002', '\uff0e', '\uff61':
			b.WriteByte('.')
			continue
		}
		mapped, err := remapProfile.ToUnicode(string(c))
		if err != nil {
			return "", fmt.Errorf("Codepoint %s not allowed at position %d in %s", unot(c), pos, pyRepr(domain))
		}
		b.WriteString(mapped)
	}
	return norm.NFC.String(b.String()), nil
}

var remapProfile = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.StrictDomainName(false),
	idna.ValidateLabels(false), idna.CheckHyphens(false), idna.CheckJoiners(false), idna.VerifyDNSLength(false))

// alabel is idna.alabel: the A-label of one label.
func alabel(label string) (string, error) {
	if isASCII(label) {
		if _, err := ulabel(label); err != nil {
			return "", err
		}
		if len(label) > 63 {
			return "", errors.New("Label too long")
		}
		return label, nil
	}
	if err := checkLabel(label); err != nil {
		return "", err
	}
	a, err := idna.Punycode.ToASCII(label)
	if err != nil {
		return "", err
	}
	if len(a) > 63 {
		return "", errors.New("Label too long")
	}
	return a, nil
}

// ulabel is idna.ulabel: the U-label of one label.
func ulabel(label string) (string, error) {
	if !isASCII(label) {
		return label, checkLabel(label)
	}
	label = strings.ToLower(label)
	rest, ok := strings.CutPrefix(label, "xn--")
	if !ok {
		return label, checkLabel(label)
	}
	if rest == "" {
		return "", errors.New("Malformed A-label, no Punycode eligible content found")
	}
	if strings.HasSuffix(rest, "-") {
		return "", errors.New("A-label must not end with a hyphen")
	}
	u, err := punycodeDecode(rest)
	if err != nil {
		return "", errors.New("Invalid A-label")
	}
	return u, checkLabel(u)
}

// idnaDecode is idna.decode.
func idnaDecode(s string) (string, error) {
	labels := strings.Split(s, ".")
	if len(labels) == 0 || (len(labels) == 1 && labels[0] == "") {
		return "", errors.New("Empty domain")
	}
	trailingDot := false
	if labels[len(labels)-1] == "" {
		labels, trailingDot = labels[:len(labels)-1], true
	}
	out := make([]string, 0, len(labels)+1)
	for _, label := range labels {
		u, err := ulabel(label)
		if err != nil {
			return "", err
		}
		if u == "" {
			return "", errors.New("Empty label")
		}
		out = append(out, u)
	}
	if trailingDot {
		out = append(out, "")
	}
	return strings.Join(out, "."), nil
}

// punycodeDecode decodes the part of an A-label after xn--.
func punycodeDecode(s string) (string, error) {
	u, err := idna.Punycode.ToUnicode("xn--" + s)
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(u, "xn--") {
		return "", errors.New("not Punycode")
	}
	return u, nil
}

// checkLabel is idna.check_label.
func checkLabel(label string) error {
	if label == "" {
		return errors.New("Empty Label")
	}
	if norm.NFC.String(label) != label {
		return errors.New("Label must be in Normalization Form C")
	}
	runes := []rune(label)
	if len(runes) >= 4 && runes[2] == '-' && runes[3] == '-' {
		return errors.New("Label has disallowed hyphens in 3rd and 4th position")
	}
	if runes[0] == '-' || runes[len(runes)-1] == '-' {
		return errors.New("Label must not start or end with a hyphen")
	}
	if unicode.Is(unicode.M, runes[0]) {
		return errors.New("Label begins with an illegal combining character")
	}
	for pos, c := range runes {
		switch idnaClass(c) {
		case pvalid:
		case contextJ:
			if !validContextJ(runes, pos) {
				return fmt.Errorf("Joiner %s not allowed at position %d in %s", unot(c), pos+1, pyRepr(label))
			}
		case contextO:
			if !validContextO(runes, pos) {
				return fmt.Errorf("Codepoint %s not allowed at position %d in %s", unot(c), pos+1, pyRepr(label))
			}
		default:
			return fmt.Errorf("Codepoint %s at position %d of %s not allowed", unot(c), pos+1, pyRepr(label))
		}
	}
	return checkBidi(runes)
}

// checkBidi is idna.check_bidi (RFC 5893), applied to labels that contain
// right-to-left characters or Arabic digits.
func checkBidi(label []rune) error {
	isBidi := false
	for _, c := range label {
		if d := direction(c); d == bidi.R || d == bidi.AL || d == bidi.AN {
			isBidi = true
			break
		}
	}
	if !isBidi {
		return nil
	}
	first := direction(label[0])
	var rtl bool
	switch first {
	case bidi.R, bidi.AL:
		rtl = true
	case bidi.L:
	default:
		return fmt.Errorf("First codepoint in label %s must be directionality L, R or AL", pyRepr(string(label)))
	}
	validEnding := false
	var numberType bidi.Class
	numberSeen := false
	for i, c := range label {
		d := direction(c)
		if rtl {
			if !inClasses(d, bidi.R, bidi.AL, bidi.AN, bidi.EN, bidi.ES, bidi.CS, bidi.ET, bidi.ON, bidi.BN, bidi.NSM) {
				return fmt.Errorf("Invalid direction for codepoint at position %d in a right-to-left label", i+1)
			}
			if inClasses(d, bidi.R, bidi.AL, bidi.EN, bidi.AN) {
				validEnding = true
			} else if d != bidi.NSM {
				validEnding = false
			}
			if d == bidi.AN || d == bidi.EN {
				if !numberSeen {
					numberType, numberSeen = d, true
				} else if numberType != d {
					return errors.New("Can not mix numeral types in a right-to-left label")
				}
			}
			continue
		}
		if !inClasses(d, bidi.L, bidi.EN, bidi.ES, bidi.CS, bidi.ET, bidi.ON, bidi.BN, bidi.NSM) {
			return fmt.Errorf("Invalid direction for codepoint at position %d in a left-to-right label", i+1)
		}
		if d == bidi.L || d == bidi.EN {
			validEnding = true
		} else if d != bidi.NSM {
			validEnding = false
		}
	}
	if !validEnding {
		return errors.New("Label ends with illegal codepoint directionality")
	}
	return nil
}

func direction(c rune) bidi.Class {
	p, _ := bidi.LookupRune(c)
	return p.Class()
}

func inClasses(d bidi.Class, classes ...bidi.Class) bool {
	for _, c := range classes {
		if d == c {
			return true
		}
	}
	return false
}

// validContextJ is idna.valid_contextj, without the joining-type half of
// the ZERO WIDTH NON-JOINER rule (see the top of this file).
func validContextJ(label []rune, pos int) bool {
	if pos > 0 && combiningClass(label[pos-1]) == 9 {
		return true
	}
	return false
}

// validContextO is idna.valid_contexto.
func validContextO(label []rune, pos int) bool {
	c := label[pos]
	switch {
	case c == 0x00b7:
		return pos > 0 && pos < len(label)-1 && label[pos-1] == 'l' && label[pos+1] == 'l'
	case c == 0x0375:
		return pos < len(label)-1 && unicode.Is(unicode.Greek, label[pos+1])
	case c == 0x05f3 || c == 0x05f4:
		return pos > 0 && unicode.Is(unicode.Hebrew, label[pos-1])
	case c == 0x30fb:
		for _, r := range label {
			if r != 0x30fb && unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
				return true
			}
		}
		return false
	case c >= 0x660 && c <= 0x669:
		for _, r := range label {
			if r >= 0x6f0 && r <= 0x6f9 {
				return false
			}
		}
		return true
	case c >= 0x6f0 && c <= 0x6f9:
		for _, r := range label {
			if r >= 0x660 && r <= 0x669 {
				return false
			}
		}
		return true
	}
	return false
}

func combiningClass(c rune) uint8 {
	return norm.NFC.PropertiesString(string(c)).CCC()
}

type idnaCodepointClass int

const (
	disallowed idnaCodepointClass = iota
	pvalid
	contextJ
	contextO
)

var folder = cases.Fold()

// idnaClass derives a code point's IDNA 2008 class with RFC 5892's
// algorithm (section 3), from Go's Unicode tables.
func idnaClass(c rune) idnaCodepointClass {
	switch c {
	case 0x00df, 0x03c2, 0x06fd, 0x06fe, 0x0f0b, 0x3007: // F: exceptions, PVALID
		return pvalid
	case 0x00b7, 0x0375, 0x05f3, 0x05f4, 0x30fb: // F: exceptions, CONTEXTO
		return contextO
	case 0x0640, 0x07fa, 0x302e, 0x302f, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303b: // F: DISALLOWED
		return disallowed
	}
	switch {
	case c >= 0x0660 && c <= 0x0669, c >= 0x06f0 && c <= 0x06f9:
		return contextO
	case !unicode.In(c, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.C): // J: unassigned
		return disallowed
	case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-': // K: LDH
		return pvalid
	case c == 0x200c || c == 0x200d: // H: JoinControl
		return contextJ
	}
	s := string(c)
	if norm.NFKC.String(folder.String(norm.NFKC.String(s))) != s { // B: unstable
		return disallowed
	}
	switch {
	case defaultIgnorable(c) || unicode.Is(unicode.White_Space, c) || unicode.Is(unicode.Noncharacter_Code_Point, c): // C
		return disallowed
	case c >= 0x20d0 && c <= 0x20ff, c >= 0x1d100 && c <= 0x1d24f: // D: ignorable blocks
		return disallowed
	case c >= 0x1100 && c <= 0x11ff, c >= 0xa960 && c <= 0xa97f, c >= 0xd7b0 && c <= 0xd7ff: // I: old Hangul jamo
		return disallowed
	case unicode.In(c, unicode.Ll, unicode.Lu, unicode.Lo, unicode.Nd, unicode.Lm, unicode.Mn, unicode.Mc): // A
		return pvalid
	}
	return disallowed
}

// defaultIgnorable is Unicode's derived Default_Ignorable_Code_Point.
func defaultIgnorable(c rune) bool {
	if unicode.Is(unicode.White_Space, c) || (c >= 0xfff9 && c <= 0xfffb) || (c >= 0x13430 && c <= 0x1343f) || unicode.Is(unicode.Prepended_Concatenation_Mark, c) {
		return false
	}
	return unicode.In(c, unicode.Other_Default_Ignorable_Code_Point, unicode.Cf, unicode.Variation_Selector)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// unot is idna's _unot: U+XXXX.
func unot(c rune) string { return fmt.Sprintf("U+%04X", c) }
