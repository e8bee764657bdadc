; Headshot Studio: the Windows installer (Inno Setup 6.3 or newer).
;
; Turns the PyInstaller one-folder bundle (dist\headshot-studio\, made by
; python installer\build.py) into one setup program that
;   - installs for the current user only, without administrator rights, into
;     %LOCALAPPDATA%\Programs\Headshot Studio;
;   - adds Start-menu shortcuts (the app, a self-test, uninstall) and, if the box stays
;     ticked, a desktop shortcut;
;   - on uninstall removes the program, and deletes the user's own Headshot Studio data
;     only when the user answers Yes to a question whose default is No.
;
; installer\windows\build.ps1 builds everything and compiles this file as
;   ISCC.exe /DAppVersion=0.1.0 /DSourceDir=C:\src\headshot-studio\dist\headshot-studio headshot_studio.iss
; Pass SourceDir as a full path. Relative paths in this file are relative to its folder.
; tests/installer/test_windows_installer.py checks the properties that matter here
; (per-user install, fixed AppId, shortcuts, what uninstall may delete).
;
; Note for editors: lines starting with "#" are preprocessor (ISPP) lines, even inside
; [Code], so no Pascal line may start with "#" (write  'text' + #13#10  on one line).

#if VER < EncodeVer(6,3,0)
  #error Inno Setup 6.3 or newer is needed to compile this script (it uses the x64compatible architecture).
#endif

; ---- Values that can be set on the ISCC command line with /DName=value --------------

#ifndef AppName
  #define AppName "Headshot Studio"
#endif
#ifndef AppVersion
  ; build.ps1 always passes headshot_studio.__version__; this default only serves a
  ; compile from the Inno Setup IDE and must be kept equal to it (a test checks).
  #define AppVersion "0.1.0"
#endif
#ifndef AppPublisher
  #define AppPublisher "Headshot Studio"
#endif
#ifndef SourceDir
  ; The PyInstaller one-folder bundle.
  #define SourceDir AddBackslash(SourcePath) + "..\..\dist\headshot-studio"
#endif

; ---- Fixed values -------------------------------------------------------------------

; The window (no console) and the command line; both share SourceDir\_internal.
#define AppExeName "headshot-studio.exe"
#define CliExeName "headshot-studio-cli.exe"
; Where the app keeps everything the user made: sessions, selfies, learned faces,
; headshots, imported models, settings and logs. This is platformdirs'
; user_data_path("HeadshotStudio", appauthor=False) on Windows (config is the same folder,
; cache and logs are inside it); see headshot_studio/paths.py.
#define UserDataDir "{localappdata}\HeadshotStudio"

#if !FileExists(AddBackslash(SourceDir) + AppExeName) || !FileExists(AddBackslash(SourceDir) + CliExeName)
  #error The app bundle was not found in SourceDir. Build it first with: python installer\build.py
#endif


[Setup]
; AppId tells Windows and later versions of this installer that they are the same
; application (upgrade in place, one entry in Installed apps). Never change it.
; "{{" is how a literal "{" is written here.
AppId={{825E36C2-F3BA-4A5A-BED3-BCD12604C1B7}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher={#AppPublisher}

; Per-user install, no administrator rights and no UAC prompt. In this mode {autopf}
; is {userpf}, i.e. %LOCALAPPDATA%\Programs, and {group}/{autodesktop} are the user's
; own Start menu and desktop. PrivilegesRequiredOverridesAllowed is deliberately not
; set: an all-users install would put the program in Program Files while every user's
; data stays in their own profile, and an elevated uninstaller could look for that
; data in the wrong profile.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes

; 64-bit Windows 10 or newer only: PyTorch and the NVIDIA libraries are x64 builds.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0

WizardStyle=modern
SetupIconFile=..\..\resources\icons\headshot-studio.ico
UninstallDisplayIcon={app}\{#AppExeName}
; Writes Setup's log to the user's TEMP folder (Setup Log yyyy-mm-dd #nnn.txt) for support.
SetupLogging=yes

OutputDir=..\..\dist
OutputBaseFilename=headshot-studio-{#AppVersion}-windows-x64-setup

; Size. With CUDA PyTorch (about 3-4 GB) and bundled base models the bundle is 5-12 GB.
; - Disk spanning is required once the compressed data passes 2.1 GB (earlier 6.x
;   versions; current ones allow 4.2 GB), so it is always on: the output is the setup
;   .exe plus numbered .bin files, which must be kept in the same folder as the .exe
;   (Setup reads them from there; they are not meant for separate disks).
; - Slices of 2,000,000,000 bytes: accepted by every 6.x version, each under the 2 GiB
;   limit of common download hosts and under FAT32's 4 GB file limit.
; - lzma2/fast: PyTorch's CUDA DLLs compress well and quickly at this level; higher
;   levels cost much more time for a few percent. Model weights (dense floating-point
;   numbers) do not compress at all, so [Files] stores them with nocompression.
;   Non-solid, so each file is compressed on its own and Setup never has to
;   decompress gigabytes it skips.
Compression=lzma2/fast
SolidCompression=no
DiskSpanning=yes
DiskSliceSize=2000000000


[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"


[Tasks]
; Ticked by default; the user can untick it.
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"


[InstallDelete]
; Before an upgrade, remove the previous version's bundle internals so no file from an
; older build (a library, or a model a newer version no longer ships) is left beside the
; new ones. The app never writes into its own folder, so nothing of the user's is there.
Type: filesandordirs; Name: "{app}\_internal"


[Files]
; The whole bundle, recursively, except model weights...
Source: "{#SourceDir}\*"; Excludes: "*.safetensors,*.onnx"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; ...which are stored uncompressed (compressing gigabytes of weights takes long and saves nothing).
; skipifsourcedoesntexist: a bundle without models has none of these.
Source: "{#SourceDir}\*.safetensors"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs nocompression skipifsourcedoesntexist
Source: "{#SourceDir}\*.onnx"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs nocompression skipifsourcedoesntexist


[Icons]
; Start menu (the user's own, in this per-user install).
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Comment: "Professional headshots from your selfies, made on this PC"
; Runs the built-in check (a tiny built-in model, about a minute) in a console
; window that waits for a key press, so the result can be read. No quotes are needed:
; the command runs from the program folder.
Name: "{group}\{#AppName} self-test"; Filename: "{cmd}"; Parameters: "/c .\{#CliExeName} selftest & pause"; WorkingDir: "{app}"; IconFilename: "{app}\{#AppExeName}"; Comment: "Check that Headshot Studio works on this PC"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Tasks: desktopicon


[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent


[UninstallDelete]
; Uninstall removes every file it installed by itself. The app never writes into its own
; folder, but in case anything (a crash dump, a __pycache__) appears there, remove the
; bundle internals completely, then the program folder if that left it empty. Never
; "filesandordirs" on {app} itself: the user may have installed into a folder that holds
; other things.
Type: filesandordirs; Name: "{app}\_internal"
Type: dirifempty; Name: "{app}"


[Code]
// Uninstall: offer to delete the user's own Headshot Studio data as well.
//
// The data lives outside the program folder (UserDataDir above). It is kept unless the
// user explicitly answers Yes; the question's default button is No. A silent uninstall
// (/SILENT or /VERYSILENT, e.g. from a script or a management tool) never deletes it.

var
  DeleteUserData: Boolean;

function UserDataDir: String;
begin
  Result := ExpandConstant('{#UserDataDir}');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usUninstall then
  begin
    // Asked once, before anything is removed; acted on after the program is gone.
    DeleteUserData := False;
    if (not UninstallSilent) and DirExists(UserDataDir) then
      DeleteUserData := MsgBox(
        'Do you also want to delete your Headshot Studio data?' + #13#10 + #13#10 +
        'Yes deletes your sessions, selfies, learned faces, headshots, imported models ' +
        'and settings from this PC for good. This cannot be undone.' + #13#10 + #13#10 +
        'No keeps them, for example if you want to install Headshot Studio again later.' + #13#10 + #13#10 +
        'Headshots you exported to other folders are not touched either way.' + #13#10 + #13#10 +
        'Your data is in: ' + UserDataDir,
        mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  end
  else if (CurUninstallStep = usPostUninstall) and DeleteUserData then
  begin
    if not DelTree(UserDataDir, True, True, True) then
      MsgBox(
        'Some of your Headshot Studio data could not be deleted, ' +
        'perhaps because a file is still open in another program.' + #13#10 + #13#10 +
        'You can delete what is left yourself. It is in: ' + UserDataDir,
        mbError, MB_OK);
  end;
end;
