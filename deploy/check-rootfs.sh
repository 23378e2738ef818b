#!/usr/bin/env bash
# Checks here what can be checked of the container image without a container runtime or a registry:
# the release binary as deploy/Dockerfile builds it (--static-swift-stdlib) in a minimal Debian
# bookworm root (debootstrap --variant=minbase) with exactly the runtime packages the Dockerfile
# installs, run under chroot as the image's user: `fanout --version`, then a short `demo --no-tui`.
# Usage: deploy/check-rootfs.sh [ROOT]   (run as root; ROOT defaults to /tmp/fanout-rootfs, made if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
rootfs="${1:-/tmp/fanout-rootfs}"
command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap; }
if [ ! -x "$rootfs/bin/sh" ]; then
  echo "check-rootfs: debootstrap --variant=minbase bookworm $rootfs…" >&2
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
fi
scratch="${FANOUT_STATIC_BUILD:-/tmp/fanout-static-build}"
echo "check-rootfs: swift build -c release --static-swift-stdlib…" >&2
swift build -c release --product fanout --static-swift-stdlib --scratch-path "$scratch" >/dev/null
binary="$(swift build -c release --product fanout --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/fanout"

# The Dockerfile's runtime stage, in the root: its packages and its user.
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
chroot "$rootfs" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libncursesw6 ca-certificates >/dev/null'
chroot "$rootfs" /bin/sh -c 'id fanout >/dev/null 2>&1 || useradd --uid 10001 --create-home --home-dir /home/fanout --shell /usr/sbin/nologin fanout'
install -m 755 "$binary" "$rootfs/usr/local/bin/fanout"

echo "check-rootfs: shared libraries the binary loads (all must be in the root):"
missing=0
while read -r library; do
  if [ -e "$rootfs$library" ]; then echo "  $library"; else echo "  $library MISSING"; missing=1; fi
done < <(ldd "$binary" | awk '/=>/ {print $3} /^\t\/lib/ {print $1}' | sort -u)
[ "$missing" = 0 ] || { echo "check-rootfs: libraries missing from the root" >&2; exit 1; }

# A container always has /proc (Swift reads its arguments from /proc/self/cmdline there, fanout its
# own descriptors and processes): the root gets one for the run, as a runtime would mount it.
mountpoint -q "$rootfs/proc" || { mount -t proc proc "$rootfs/proc"; trap 'umount "$rootfs/proc"' EXIT; }
as_user() { chroot --userspec=10001:10001 "$rootfs" /usr/bin/env -i HOME=/home/fanout PATH=/usr/local/bin:/usr/bin:/bin "$@"; }
version="$(as_user /usr/local/bin/fanout --version)"
[ "$version" = "0.1.0" ] || { echo "check-rootfs: fanout --version said '$version'" >&2; exit 1; }
echo "check-rootfs: fanout --version → $version"
as_user /bin/sh -c 'cd /home/fanout && fanout demo --no-tui --size 300 --directory /home/fanout/demo >/home/fanout/demo.out 2>/home/fanout/demo.err'
echo "check-rootfs: demo --no-tui --size 300 → exit 0"
sed -n '1,3p' "$rootfs/home/fanout/demo.out" | sed 's/^/  /'
saved=$(wc -l < "$rootfs/home/fanout/demo/prompts_results.jsonl")
[ "$saved" = 300 ] || { echo "check-rootfs: the demo saved $saved of 300" >&2; exit 1; }
echo "check-rootfs: 300 of 300 saved; the image's runtime stage runs fanout"
