#!/usr/bin/env bash
# Packs Containment, checks the package's metadata, then builds and runs a fresh console project that references only
# the .nupkg (from a local folder feed; its dependencies from nuget.org) and starts a container with it. Proves the
# package carries the executor and that consumers need nothing else: no native library, no build step of theirs, no
# file beside it.
#   tests/package/consume.sh        (root: the consumer starts a container) — `dotnet run`
#   tests/package/consume.sh aot    the consumer is published with PublishAot and PublishTrimmed: no trim or AOT
#                                   warning (IL2xxx, IL3xxx) may appear, and the native binary must run the container
set -euo pipefail
mode=${1:-jit}
case "$mode" in jit|aot) ;; *) echo "usage: $0 [aot]" >&2; exit 2 ;; esac
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/containment-package-XXXXXX)
trap 'rm -rf "$work"' EXIT

dotnet pack "$top/src/Containment" -c Release -o "$work/feed" -p:Version=0.0.0-consume -nologo -v q >/dev/null
nupkg="$work/feed/Containment.0.0.0-consume.nupkg"
[ -f "$nupkg" ] || { echo "no package at $nupkg"; exit 1; }
# The executor travels inside the assembly, not as a separate native file; runtimes/ holds only the assembly
# ReadyToRun-compiled per RID (src/Containment/ReadyToRun.targets).
if grep -E '\.so$|executor$' <<<"$(unzip -l "$nupkg")" >/dev/null \
  || grep -E 'runtimes/' <<<"$(unzip -l "$nupkg")" | grep -vE ' runtimes/linux-(x64|arm64)/lib/net10\.0/Containment\.dll$' >/dev/null; then
  echo "the package carries loose native files:"; unzip -l "$nupkg"; exit 1
fi

# What a NuGet user judges the package by: its metadata, its README, its symbols.
fail() { echo "package metadata: $*"; exit 1; }
nuspec=$(unzip -p "$nupkg" Containment.nuspec)
field() { sed -n "s|.*<$1>\(.*\)</$1>.*|\1|p" <<<"$nuspec" | head -n 1; }
[ "$(sed -n 's|.*<license type="expression">\(.*\)</license>.*|\1|p' <<<"$nuspec")" = MIT ] || fail "no MIT license expression"
[ "$(field readme)" = README.md ] || fail "no <readme>"
[ "$(field authors)" != "" ] || fail "no <authors>"
[ "$(field description | wc -c)" -gt 200 ] || fail "the description is not a full one: $(field description)"
[ "$(field tags)" != "" ] || fail "no <tags>"
grep -Eq '<repository type="git"[^>]* commit="[0-9a-f]{40}"' <<<"$nuspec" || fail "no repository commit (SourceLink)"
# A hosted origin (not a clone of a local path, as CI's clean clone is) becomes the repository and project URL.
if git -C "$top" remote get-url origin 2>/dev/null | grep -Eq '^(https?|ssh|git)://|^[^/]+@[^/:]+:'; then
  grep -q '<repository type="git" url="' <<<"$nuspec" || fail "the repository has a hosted origin, the package no repository url"
  [ "$(field projectUrl)" != "" ] || fail "no <projectUrl>"
fi
readme=$(unzip -p "$nupkg" README.md) || fail "no README.md in the package"
grep -q 'ContainerProcess.RunAsync' <<<"$readme" || fail "the README has no quick start"
[ "$readme" != "$(cat "$top/README.md")" ] || fail "the README is the repository's, not the package's"
files=$(unzip -l "$nupkg")   # listed once: `unzip | grep -q` would fail under pipefail when grep stops early
grep -q ' LICENSE$' <<<"$files" || fail "no LICENSE file"
grep -q 'lib/net10.0/Containment.xml$' <<<"$files" || fail "no XML documentation"
for rid in linux-x64 linux-arm64; do
  grep -q " runtimes/$rid/lib/net10.0/Containment.dll$" <<<"$files" || fail "no ReadyToRun assembly for $rid"
done
snupkg="$work/feed/Containment.0.0.0-consume.snupkg"
[ -f "$snupkg" ] || fail "no symbols package (.snupkg)"
grep -q 'lib/net10.0/Containment.pdb$' <<<"$(unzip -l "$snupkg")" || fail "the symbols package has no Containment.pdb"
echo "package metadata: ok"

mkdir -p "$work/app"
cat > "$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML
publish=""
[ "$mode" = aot ] && publish="<PublishAot>true</PublishAot><PublishTrimmed>true</PublishTrimmed><TrimmerSingleWarn>false</TrimmerSingleWarn>"
cat > "$work/app/app.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    $publish
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Containment" Version="0.0.0-consume" />
  </ItemGroup>
</Project>
XML
cat > "$work/app/Program.cs" <<'CS'
using Containment;

var spec = ContainerSpec.HostReadOnly().WithHostname("from-package")
    .WithProcess(p => p.Args("/bin/sh", "-c", "echo $(hostname) pid $$"));
await using var c = await ContainerProcess.StartAsync(spec);
var output = await c.StandardOutput!.ReadToEndAsync();
var exit = await c.WaitForExitAsync();
Console.Write(output);
return exit.ExitCode ?? 1;
CS
# A package cache of its own, so the package is restored from the feed, never from an earlier run; packages the
# machine already has (the ILCompiler, the logging abstractions) are read from its cache, not downloaded again.
machine_cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
[ -d "$machine_cache" ] && export NUGET_FALLBACK_PACKAGES="$machine_cache"
export NUGET_PACKAGES="$work/packages"
if [ "$mode" = aot ]; then
  log="$work/publish.log"
  (cd "$work/app" && dotnet publish -c Release -r linux-x64 -o "$work/out" -nologo -v m) >"$log" 2>&1 || { cat "$log"; echo "AOT publish failed"; exit 1; }
  warnings=$(grep -E 'warning IL[23][0-9]{3}' "$log" | sort -u || true)
  if [ -n "$warnings" ]; then
    echo "trim/AOT warnings: $(wc -l <<<"$warnings")"; echo "$warnings"; exit 1
  fi
  echo "trim/AOT warnings: 0"
  [ -x "$work/out/app" ] || { echo "no native binary at $work/out/app"; ls -la "$work/out"; exit 1; }
  file_type=$(head -c 4 "$work/out/app" | od -An -c | tr -d ' ')
  [ "$file_type" = "177ELF" ] || { echo "the published app is not a native ELF binary"; exit 1; }
  echo "native binary: $(stat -c %s "$work/out/app") bytes"
  out=$("$work/out/app")
else
  out=$(cd "$work/app" && dotnet run -nologo -v q)
fi
echo "consumer printed: $out"
[ "$out" = "from-package pid 1" ] || { echo "unexpected output"; exit 1; }
echo "package consumed ($mode): ok"
