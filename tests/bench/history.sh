#!/usr/bin/env bash
# How long translation status from git history takes: the synthetic corpus
# (../shared/bench/gen_corpus.py, N articles per language) in a git repository with a generated
# history of COMMITS commits (each changes a few originals and translations; some rename an
# article in every language), timed with `helpcenter check` in the repository and in a copy
# without .git (the `updated` dates), and `git log` alone.
#
# usage: tests/bench/history.sh [N] [COMMITS]   (defaults: 2000 300; run from the project root)
# environment: HELPCENTER (default target/release/helpcenter), BENCH_DIR (default /tmp/helpcenter-bench)
set -euo pipefail
N=${1:-2000}
COMMITS=${2:-300}
HELPCENTER=$(realpath "${HELPCENTER:-target/release/helpcenter}")
BENCH_DIR=${BENCH_DIR:-/tmp/helpcenter-bench}
root=$(pwd)
repo=$BENCH_DIR/history-n$N-c$COMMITS
plain=$BENCH_DIR/history-n$N-plain

if [ ! -d "$repo/.git" ]; then
  rm -rf "$repo"; mkdir -p "$repo"
  python3 "$root/../shared/bench/gen_corpus.py" --out "$repo" -n "$N" --force >/dev/null
  cp "$root/tests/bench/helpcenter.yaml" "$repo/content/helpcenter.yaml"
  cp -r "$root/site" "$repo/site"
  python3 - "$repo" "$COMMITS" <<'PY'
import os, random, subprocess, sys
repo, commits = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
env = dict(os.environ, GIT_AUTHOR_NAME="w", GIT_AUTHOR_EMAIL="w@example.com",
           GIT_COMMITTER_NAME="w", GIT_COMMITTER_EMAIL="w@example.com")
def git(*args, day=0):
    stamp = f"{1767225600 + day * 86400} +0000"
    subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=repo, check=True,
                   env=dict(env, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp), stdout=subprocess.DEVNULL)
git("init", "-q"); git("add", "-A"); git("commit", "-q", "-m", "corpus")
content = os.path.join(repo, "content")
articles = []
for dirpath, _, files in os.walk(os.path.join(content, "en")):
    articles += [os.path.relpath(os.path.join(dirpath, f), os.path.join(content, "en"))
                 for f in files if f.endswith(".md") and f != "_index.md"]
articles.sort()
langs = ["it", "es", "ru", "vi"]
for c in range(1, commits + 1):
    for rel in rng.sample(articles, 5):
        lang = "en" if rng.random() < 0.6 else rng.choice(langs)
        path = os.path.join(content, lang, rel)
        if os.path.exists(path):
            with open(path, "a") as f:
                f.write(f"\nEdited in commit {c}.\n")
    if c % 50 == 0:  # a rename, in every language, with the links to it
        old = rng.choice(articles)
        new = old[:-3] + f"-r{c}.md"
        for lang in ["en"] + langs:
            if os.path.exists(os.path.join(content, lang, old)):
                git("mv", os.path.join("content", lang, old), os.path.join("content", lang, new), day=c)
        for dirpath, _, files in os.walk(content):
            for f in files:
                path = os.path.join(dirpath, f)
                text = open(path).read()
                fixed = text.replace("/" + old[:-3] + "/", "/" + new[:-3] + "/")
                if fixed != text:
                    open(path, "w").write(fixed)
        articles[articles.index(old)] = new
    git("add", "-A", day=c); git("commit", "-q", "-m", f"edit {c}", day=c)
PY
fi
rm -rf "$plain"; mkdir -p "$plain"; cp -r "$repo/content" "$repo/site" "$plain/"

# Seconds of one run of a command; the median of RUNS runs, the two kinds alternating.
timed() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N); echo "$end - $start" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
RUNS=${RUNS:-5}
: >"$BENCH_DIR/history.git"; : >"$BENCH_DIR/history.dates"; : >"$BENCH_DIR/history.log"
for _ in $(seq "$RUNS"); do
  (cd "$repo" && timed "$HELPCENTER" check) >>"$BENCH_DIR/history.git"
  (cd "$plain" && timed "$HELPCENTER" check) >>"$BENCH_DIR/history.dates"
  timed git -C "$repo/content" log --topo-order --parents -M --name-status --format=%H -- . >>"$BENCH_DIR/history.log"
done
echo "corpus: N=$N ($(find "$repo/content" -name '*.md' | wc -l) Markdown files), $(git -C "$repo" rev-list --count HEAD) commits; medians of $RUNS runs"
echo "git log of content/ alone:   $(median <"$BENCH_DIR/history.log") s"
echo "check, with git history:     $(median <"$BENCH_DIR/history.git") s"
echo "check, by dates (no git):    $(median <"$BENCH_DIR/history.dates") s"
(cd "$repo" && "$HELPCENTER" check 2>/dev/null | grep -A7 '^translations:')
