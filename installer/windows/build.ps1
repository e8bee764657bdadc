<#
.SYNOPSIS
    Builds the Headshot Studio installer for Windows.

.DESCRIPTION
    Run on 64-bit Windows from the repository root (PowerShell 5.1 or 7):

        powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
        powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1 -Models 'stable-diffusion-v1-5=D:\weights\v1-5-pruned-emaonly.safetensors'

    Steps:
      1. A virtual environment in build\venv-windows (made once, then reused).
      2. The CUDA build of PyTorch from PyTorch's own package index (PyPI only has CPU
         builds for Windows), then the lock of tested versions (requirements\dev.lock, PyInstaller included) and this project.
      3. Optionally, base models bundled with installer\bundle_models.py (-Models).
      4. python installer\build.py: the PyInstaller one-folder app in
         dist\headshot-studio, then its --version and selftest run from the bundle.
      5. Inno Setup 6 compiles installer\windows\headshot_studio.iss into
         dist\headshot-studio-<version>-windows-x64-setup.exe plus its .bin files.

    See installer\windows\README.md for prerequisites and how to test the result.

.PARAMETER Cuda
    PyTorch's CUDA wheel tag (cu126, cu128, ...). It must be one PyTorch publishes for
    -TorchVersion; the users' NVIDIA driver must be new enough for it.

.PARAMETER TorchVersion
    The PyTorch version to ship.

.PARAMETER Models
    Base models to bundle, each 'ID=PATH' with ID as in resources\models\manifest.json,
    e.g. -Models 'stable-diffusion-v1-5=D:\weights\v1-5-pruned-emaonly.safetensors'.
    Several are separated by commas. Without it, models bundled by an earlier run (in
    build\bundled_models) are used if present.

.PARAMETER InsightFace
    Folder of the insightface buffalo_l pack to bundle as well (optional; only together
    with -Models).

.PARAMETER Iscc
    Full path of Inno Setup's ISCC.exe. Default: looked up in Inno Setup 6's usual places.

.PARAMETER Python
    Full path of the python.exe that creates the virtual environment (3.11 or 3.12,
    64-bit). Default: the py launcher with -PythonVersion.

.PARAMETER PythonVersion
    Which Python the py launcher should use when -Python is not given.
#>
[CmdletBinding()]
param(
    [string]$Cuda = 'cu128',
    [string]$TorchVersion = '2.13.0',
    [string[]]$Models = @(),
    [string]$InsightFace = '',
    [string]$Iscc = '',
    [string]$Python = '',
    [ValidateSet('3.11', '3.12')]
    [string]$PythonVersion = '3.12'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$Root = (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path
$Venv = Join-Path $Root 'build\venv-windows'
$VenvPython = Join-Path $Venv 'Scripts\python.exe'
$IssFile = Join-Path $Root 'installer\windows\headshot_studio.iss'
$BundleDir = Join-Path $Root 'dist\headshot-studio'
$BundledModelsDir = Join-Path $Root 'build\bundled_models'


function Invoke-Native {
    # Runs a program and stops the build when it fails. Programs (unlike cmdlets) do not
    # stop the script on failure by themselves, whatever $ErrorActionPreference says, so
    # every one of them is run through here.
    param(
        [Parameter(Mandatory = $true)][string]$FilePath,
        [string[]]$Arguments = @()
    )
    Write-Host "+ $FilePath $($Arguments -join ' ')" -ForegroundColor Cyan
    & $FilePath @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "Build stopped: '$FilePath $($Arguments -join ' ')' failed (exit code $LASTEXITCODE)."
    }
}


function Find-Iscc {
    # Inno Setup 6's compiler: -Iscc, else the standard install folders (all users or just
    # this user), else what Inno Setup's own uninstall entry says, else PATH.
    if ($Iscc) {
        if (-not (Test-Path -LiteralPath $Iscc -PathType Leaf)) { throw "ISCC.exe not found at -Iscc '$Iscc'." }
        return (Resolve-Path -LiteralPath $Iscc).Path
    }
    $candidates = @()
    foreach ($base in @(${env:ProgramFiles(x86)}, $env:ProgramFiles)) {
        if ($base) { $candidates += Join-Path $base 'Inno Setup 6\ISCC.exe' }
    }
    if ($env:LOCALAPPDATA) { $candidates += Join-Path $env:LOCALAPPDATA 'Programs\Inno Setup 6\ISCC.exe' }
    $uninstallKeys = @(
        'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\Inno Setup 6_is1',
        'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\Inno Setup 6_is1',
        'HKCU:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\Inno Setup 6_is1'
    )
    foreach ($key in $uninstallKeys) {
        $entry = Get-ItemProperty -Path $key -ErrorAction SilentlyContinue
        if ($entry -and $entry.PSObject.Properties['InstallLocation']) {
            $candidates += Join-Path $entry.InstallLocation 'ISCC.exe'
        }
    }
    foreach ($candidate in $candidates) {
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    $onPath = Get-Command 'ISCC.exe' -ErrorAction SilentlyContinue
    if ($onPath) { return $onPath.Path }
    throw ("Inno Setup 6 (ISCC.exe) was not found. Install Inno Setup 6.3 or newer from " +
           "https://jrsoftware.org/isdl.php, or pass its path with -Iscc.")
}


Push-Location $Root
try {
    # 1. Virtual environment -----------------------------------------------------------
    if (-not (Test-Path -LiteralPath $VenvPython -PathType Leaf)) {
        if ($Python) {
            Invoke-Native $Python @('-m', 'venv', $Venv)
        } elseif (Get-Command 'py' -ErrorAction SilentlyContinue) {
            Invoke-Native 'py' @("-$PythonVersion", '-m', 'venv', $Venv)
        } else {
            throw "No Python found: install Python $PythonVersion (64-bit) from python.org, or pass -Python C:\path\to\python.exe."
        }
    }
    # PyTorch's CUDA wheels and our pins exist for 64-bit Python 3.11 and 3.12.
    Invoke-Native $VenvPython @('-c', (
        'import struct, sys; ok = sys.version_info[:2] in ((3, 11), (3, 12)) and struct.calcsize(''P'') == 8; ' +
        'print(''Python'', sys.version); sys.exit(0 if ok else ''This build needs 64-bit Python 3.11 or 3.12; ' +
        'delete build\\venv-windows and pass -Python or -PythonVersion.'')'))

    # 2. PyTorch (CUDA build) first, then the project with PyInstaller -----------------
    # Installed before the project so pip keeps this build instead of PyPI's CPU one.
    Invoke-Native $VenvPython @('-m', 'pip', 'install', '--upgrade', 'pip')
    # The +cuXXX suffix pins the CUDA build: a plain torch==X would accept a CPU build
    # already in the environment.
    Invoke-Native $VenvPython @('-m', 'pip', 'install', "torch==$TorchVersion+$Cuda",
                                '--index-url', "https://download.pytorch.org/whl/$Cuda")
    # Everything else from the lock of tested versions (PyInstaller included), then the app.
    Invoke-Native $VenvPython @('-m', 'pip', 'install', '--require-hashes', '-r', 'requirements\dev.lock')
    Invoke-Native $VenvPython @('-m', 'pip', 'install', '--no-deps', '--no-build-isolation', '-e', '.')
    # The installer must ship CUDA PyTorch; a CPU build would quietly make it useless.
    Invoke-Native $VenvPython @('-c', (
        'import sys, torch; print(''torch'', torch.__version__, ''CUDA'', torch.version.cuda); ' +
        'sys.exit(0 if torch.version.cuda else ''This is a CPU build of PyTorch; the installer needs the CUDA build.'')'))

    # 3. Base models (optional) ----------------------------------------------------------
    if ($Models.Count -gt 0) {
        $bundleArgs = @('installer\bundle_models.py')
        foreach ($model in $Models) { $bundleArgs += @('--model', $model) }
        if ($InsightFace) { $bundleArgs += @('--insightface', $InsightFace) }
        Invoke-Native $VenvPython $bundleArgs
    } elseif ($InsightFace) {
        throw '-InsightFace is bundled together with -Models; pass both.'
    } elseif ((Test-Path -LiteralPath $BundledModelsDir) -and (Get-ChildItem -LiteralPath $BundledModelsDir -Force | Select-Object -First 1)) {
        Write-Warning ("$BundledModelsDir holds models bundled by an earlier run; they go into this installer. " +
                       'Delete that folder to build one without models.')
    } else {
        Write-Host 'No base models bundled: users import one in the app (Welcome page, "Import model...").'
    }

    # 4. PyInstaller bundle, checked by running --version and selftest from it ---------
    Invoke-Native $VenvPython @('installer\build.py')

    # 5. Inno Setup --------------------------------------------------------------------
    $version = & $VenvPython -c 'import headshot_studio; print(headshot_studio.__version__)'
    if ($LASTEXITCODE -ne 0 -or -not "$version".Trim()) { throw 'Could not read headshot_studio.__version__.' }
    $version = "$version".Trim()
    $isccPath = Find-Iscc
    Invoke-Native $isccPath @("/DAppVersion=$version", "/DSourceDir=$BundleDir", $IssFile)

    $outputs = @(Get-ChildItem -LiteralPath (Join-Path $Root 'dist') -Filter "headshot-studio-$version-windows-x64-setup*")
    if ($outputs.Count -eq 0) { throw 'Inno Setup reported success but wrote no setup file to dist\.' }
    Write-Host ''
    Write-Host "Installer for Headshot Studio $version (ship these files together, in one folder):" -ForegroundColor Green
    foreach ($file in $outputs) {
        Write-Host ('  {0,-60} {1,10:N1} MB' -f $file.Name, ($file.Length / 1MB))
    }
} finally {
    Pop-Location
}
