#!/usr/bin/env bash
# Proves a consumer needs nothing but the MlNet.Mlp package and Microsoft.ML: packs the library, then builds and runs
# build/package-consumer against it from a local folder feed, in a temp folder outside the repository.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
# A version no earlier run used, so NuGet's global cache cannot hand back a stale copy; removed again on exit.
version="0.0.0-check.$(date +%s).$$"
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}/mlnet.mlp/$version"
trap 'rm -rf "$work" "$cache"' EXIT

dotnet pack "$repo/src/MlNet.Mlp" -c Release -p:Version="$version" -o "$work/feed" --nologo -v quiet
test -f "$work/feed/MlNet.Mlp.$version.nupkg"

# The build-only publicizer project must not leak into the package's dependencies.
nuspec="$(unzip -p "$work/feed/MlNet.Mlp.$version.nupkg" MlNet.Mlp.nuspec)"
if grep -qi publicizer <<<"$nuspec"; then
    echo "check-package: the nuspec names the publicizer:" >&2; echo "$nuspec" >&2; exit 1
fi
for element in '<readme>README.md</readme>' '<license type="expression">MIT</license>' '<repository '; do
    grep -qF "$element" <<<"$nuspec" || { echo "check-package: nuspec lacks $element" >&2; exit 1; }
done
# Listed into a variable first: with pipefail, `unzip -l | grep -q` fails whenever grep exits before unzip has
# written everything (SIGPIPE), which made this check flaky.
contents="$(unzip -l "$work/feed/MlNet.Mlp.$version.nupkg")"
grep -qF 'lib/net10.0/MlNet.Mlp.xml' <<<"$contents" || { echo "check-package: no XML docs in the package:" >&2; echo "$contents" >&2; exit 1; }

# This nuget.config adds the local feed; without <clear/> the machine's configured sources still serve Microsoft.ML.
mkdir "$work/app"
cp "$repo/build/package-consumer/PackageConsumer.csproj" "$repo/build/package-consumer/Program.cs" "$work/app/"
cat > "$work/app/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="mlnet-mlp-local" value="$work/feed" />
  </packageSources>
</configuration>
CONFIG
dotnet run --project "$work/app" -c Release -p:MlNetMlpVersion="$version" --nologo
echo "check-package: MlNet.Mlp $version packs, restores from a folder feed and trains, saves, loads and exports to ONNX in a plain app"
