#!/usr/bin/env bash
# Regenerates the default speech calibration set: espeak-ng speech (wake-word phrases and ordinary
# sentences) plus silence and faint-noise clips, all 16 kHz mono 16-bit PCM WAV, and manifest.csv.
#
# Usage: calibration-data/generate.sh [output-dir]   (default: the folder this script lives in)
# Needs: espeak-ng (Debian package espeak-ng), sox.
#
# Determinism: espeak-ng is deterministic for a given version; sox runs with -R (repeatable random
# numbers, which fixes the noise generator's seed) and -D (no dither), so a rerun with the same
# tool versions reproduces the same bytes.
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here}"

for tool in espeak-ng sox; do
    command -v "$tool" >/dev/null 2>&1 || { echo "generate.sh: '$tool' is not installed (apt-get install espeak-ng sox)" >&2; exit 1; }
done

# Build everything in a scratch folder and move it into place at the end, so an interrupted run
# never leaves a half-written set behind.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/wav"
manifest="$work/manifest.csv"
echo "file,text,voice,speed_wpm,pitch,kind,wake_word,split,samples" > "$manifest"

count=0
# Every fourth clip of each kind goes to the hold-out split (validation), the rest to calibration.
split_for() { if (( $1 % 4 == 3 )); then echo holdout; else echo calib; fi; }

# to16k IN OUT [extra sox effects...]: 16 kHz, mono, 16-bit, no dither.
to16k() {
    local in="$1" outfile="$2"; shift 2
    sox -R -D "$in" -r 16000 -c 1 -b 16 -e signed-integer "$outfile" "$@"
}

add_row() { # file text voice speed pitch kind wake_word split
    local samples
    samples="$(soxi -s "$work/$1")"
    printf '%s,"%s",%s,%s,%s,%s,%s,%s,%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$samples" >> "$manifest"
}

speak() { # name text voice speed pitch kind wake_word index
    local name="$1" text="$2" voice="$3" speed="$4" pitch="$5" kind="$6" wake="$7" idx="$8"
    espeak-ng -v "$voice" -s "$speed" -p "$pitch" -w "$work/raw.wav" "$text"
    # 0.5 s of silence before and after, as a wake-word detector hears a phrase in practice.
    to16k "$work/raw.wav" "$work/wav/$name.wav" pad 0.5 0.5
    add_row "wav/$name.wav" "$text" "$voice" "$speed" "$pitch" "$kind" "$wake" "$(split_for "$idx")"
    count=$((count + 1))
}

voices=(en-us en en+f3 en+m3)
speeds=(130 160 190)
pitches=(35 50 65)

# Wake-word phrases: every voice at every speed; the pitch cycles so each voice gets several.
# espeak-ng pronounces "mycroft" as "mick-roft"; "my croft" gives the intended sound.
wake_words=(hey_jarvis alexa hey_mycroft hey_rhasspy)
wake_texts=("hey jarvis" "alexa" "hey my croft" "hey rhasspy")
for w in "${!wake_words[@]}"; do
    i=0
    for v in "${!voices[@]}"; do
        for s in "${!speeds[@]}"; do
            p="${pitches[$(( (v + s) % 3 ))]}"
            voice="${voices[$v]}"
            speak "wake_${wake_words[$w]}_${voice/+/_}_${speeds[$s]}_p${p}" "${wake_texts[$w]}" "$voice" "${speeds[$s]}" "$p" wake "${wake_words[$w]}" "$i"
            i=$((i + 1))
        done
    done
done

# Ordinary sentences (negatives), two voice/speed/pitch combinations each.
sentences=(
    "hello world"
    "what is the weather today"
    "turn on the lights"
    "the quick brown fox jumps over the lazy dog"
    "please call my sister tomorrow morning"
    "the train leaves at seven thirty"
    "I would like a cup of tea"
    "open the window in the kitchen"
    "how far is it to the station"
    "remind me to buy some milk"
)
i=0
for n in "${!sentences[@]}"; do
    for k in 0 1; do
        v=$(( (n * 2 + k) % 4 ))
        s=$(( (n + k) % 3 ))
        p="${pitches[$(( (n + 2 * k) % 3 ))]}"
        voice="${voices[$v]}"
        speak "speech_$(printf '%02d' "$n")_${voice/+/_}_${speeds[$s]}_p${p}" "${sentences[$n]}" "$voice" "${speeds[$s]}" "$p" speech "" "$i"
        i=$((i + 1))
    done
done

# Digital silence of several lengths.
i=0
for d in 1.0 1.5 2.0 3.0; do
    name="silence_${d/./p}s"
    sox -R -D -n -r 16000 -c 1 -b 16 -e signed-integer "$work/wav/$name.wav" trim 0 "$d"
    add_row "wav/$name.wav" "" "" "" "" silence "" "$(split_for "$i")"
    count=$((count + 1)); i=$((i + 1))
done

# Faint white and pink noise (sox synth; -R fixes the seed).
i=0
for colour in whitenoise pinknoise; do
    for amp in 0.003 0.01 0.03 0.1; do
        name="noise_${colour}_a${amp/./p}"
        sox -R -D -n -r 16000 -c 1 -b 16 -e signed-integer "$work/wav/$name.wav" synth 2.0 "$colour" vol "$amp"
        add_row "wav/$name.wav" "" "" "" "" noise "" "$(split_for "$i")"
        count=$((count + 1)); i=$((i + 1))
    done
done

mkdir -p "$out"
rm -rf "$out/wav"
mv "$work/wav" "$out/wav"
mv "$manifest" "$out/manifest.csv"
echo "generate.sh: wrote $count clips to $out ($(du -sh "$out/wav" | cut -f1))"
