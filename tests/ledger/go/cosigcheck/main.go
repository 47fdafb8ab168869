// Command cosigcheck verifies a checkpoint's log signature and its C2SP cosignature/v1 lines
// with Go's golang.org/x/mod/sumdb/note and crypto/ed25519, sharing no code with govloop.
//
// Usage: cosigcheck -log VKEY -witness VKEY [-witness VKEY ...] [-quorum N] NOTE_FILE
//
// It prints "OK <origin> <size> <witness names...>" and exits 0 when the log signed the note
// and at least N listed witnesses cosigned it; otherwise it prints why and exits 1.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

const cosignatureType = 0x04

type cosigVerifier struct {
	name string
	hash uint32
	key  ed25519.PublicKey
}

func (v cosigVerifier) Name() string    { return v.name }
func (v cosigVerifier) KeyHash() uint32 { return v.hash }

// Verify checks a timestamped_signature: u64 big-endian time, then an Ed25519 signature over
// "cosignature/v1\ntime <t>\n" followed by the note body.
func (v cosigVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	if t > 1<<63-1 {
		return false
	}
	var signed bytes.Buffer
	signed.WriteString("cosignature/v1\ntime " + strconv.FormatUint(t, 10) + "\n")
	signed.Write(msg)
	return ed25519.Verify(v.key, signed.Bytes(), sig[8:])
}

func parseCosigKey(vkey string) (cosigVerifier, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return cosigVerifier{}, errors.New("witness key must be name+hash+key")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 1+ed25519.PublicKeySize || raw[0] != cosignatureType {
		return cosigVerifier{}, errors.New("witness key is not 0x04 + 32-byte Ed25519 key")
	}
	h := sha256.New()
	h.Write([]byte(parts[0] + "\n"))
	h.Write(raw)
	sum := h.Sum(nil)
	hash := binary.BigEndian.Uint32(sum[:4])
	if fmt.Sprintf("%08x", hash) != parts[1] {
		return cosigVerifier{}, errors.New("witness key hash does not match the key")
	}
	return cosigVerifier{parts[0], hash, ed25519.PublicKey(raw[1:])}, nil
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	logKey := flag.String("log", "", "log note verifier key")
	quorum := flag.Int("quorum", 1, "cosignatures required")
	var witnessKeys listFlag
	flag.Var(&witnessKeys, "witness", "witness cosignature/v1 verifier key (repeat)")
	flag.Parse()
	if *logKey == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: cosigcheck -log VKEY -witness VKEY... [-quorum N] NOTE")
		os.Exit(2)
	}
	msg, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Println("FAIL", err)
		os.Exit(1)
	}
	logVerifier, err := note.NewVerifier(*logKey)
	if err != nil {
		fmt.Println("FAIL log key:", err)
		os.Exit(1)
	}
	verifiers := []note.Verifier{logVerifier}
	witnesses := map[string]bool{}
	for _, k := range witnessKeys {
		v, err := parseCosigKey(k)
		if err != nil {
			fmt.Println("FAIL", err)
			os.Exit(1)
		}
		verifiers = append(verifiers, v)
		witnesses[v.name] = true
	}
	n, err := note.Open(msg, note.VerifierList(verifiers...))
	if err != nil {
		fmt.Println("FAIL", err)
		os.Exit(1)
	}
	logSigned := false
	var cosigners []string
	for _, s := range n.Sigs {
		if s.Name == logVerifier.Name() && s.Hash == logVerifier.KeyHash() {
			logSigned = true
		} else if witnesses[s.Name] {
			cosigners = append(cosigners, s.Name)
		}
	}
	lines := strings.SplitN(n.Text, "\n", 3)
	if !logSigned || len(lines) < 3 {
		fmt.Println("FAIL the log did not sign the checkpoint")
		os.Exit(1)
	}
	if len(cosigners) < *quorum {
		fmt.Printf("FAIL %d cosignatures, %d required\n", len(cosigners), *quorum)
		os.Exit(1)
	}
	fmt.Println("OK", lines[0], lines[1], strings.Join(cosigners, " "))
}
