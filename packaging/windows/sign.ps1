# Sign files with the code-signing certificate given in the environment (CI secrets):
#   SIGN_PFX       the .pfx file, base64-encoded
#   SIGN_PASSWORD  its password
# Usage: sign.ps1 FILE [FILE ...]    (SHA-256 signature with an RFC 3161 timestamp)
param([Parameter(Mandatory = $true, ValueFromRemainingArguments = $true)][string[]]$Files)
$ErrorActionPreference = "Stop"
if (-not $env:SIGN_PFX) { throw "SIGN_PFX is not set" }
$pfx = Join-Path ([IO.Path]::GetTempPath()) ("sign-" + [guid]::NewGuid() + ".pfx")
try {
    [IO.File]::WriteAllBytes($pfx, [Convert]::FromBase64String($env:SIGN_PFX))
    $signtool = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" |
        Sort-Object FullName | Select-Object -Last 1
    if (-not $signtool) { throw "signtool.exe not found (Windows SDK)" }
    & $signtool.FullName sign /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 `
        /f $pfx /p $env:SIGN_PASSWORD /d "photocheck" @Files
    if ($LASTEXITCODE) { throw "signtool failed with exit code $LASTEXITCODE" }
    & $signtool.FullName verify /pa @Files
    if ($LASTEXITCODE) { throw "signature verification failed" }
} finally {
    Remove-Item -Force -ErrorAction SilentlyContinue $pfx
}
