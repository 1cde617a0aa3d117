#!/usr/bin/env bash
# Packs Containment, then builds and runs a fresh console project that references only the .nupkg (from a local
# folder feed; its one dependency from nuget.org) and starts a container with it. Proves the package carries the
# executor and that consumers need nothing else: no native library, no build step of theirs, no file beside it.
#   tests/package/consume.sh        (root: the consumer starts a container)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/containment-package-XXXXXX)
trap 'rm -rf "$work"' EXIT

dotnet pack "$top/src/Containment" -c Release -o "$work/feed" -p:Version=0.0.0-consume -nologo -v q >/dev/null
nupkg="$work/feed/Containment.0.0.0-consume.nupkg"
[ -f "$nupkg" ] || { echo "no package at $nupkg"; exit 1; }
# The executor travels inside the assembly, not as a separate native file.
if unzip -l "$nupkg" | grep -E 'runtimes/|\.so$|executor$' >/dev/null; then
  echo "the package carries loose native files:"; unzip -l "$nupkg"; exit 1
fi

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
cat > "$work/app/app.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
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
# A package cache of its own, so the package is restored from the feed, never from an earlier run.
export NUGET_PACKAGES="$work/packages"
out=$(cd "$work/app" && dotnet run -nologo -v q)
echo "consumer printed: $out"
[ "$out" = "from-package pid 1" ] || { echo "unexpected output"; exit 1; }
echo "package consumed: ok"
