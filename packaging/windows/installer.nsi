;; photocheck Windows installer (NSIS 3, Unicode, 64-bit).
;;
;; Built by `python tools/dist.py installer` (CI, LZMA) or `make installer-check`
;; (Linux, zlib, then tested under wine64), which pass:
;;   -DVERSION=0.1.0            required; shown in 应用和功能 and the version resource
;;   -DSOURCE_DIR=<dist/photocheck>  the PyInstaller one-folder bundle
;;   -DOUTFILE=<setup.exe>      where to write the installer
;;   -DCOMPRESSION=lzma|zlib    lzma for releases, zlib for a quick check
;;   -DEXE_SUFFIX=              only for the Linux check, whose bundle has no .exe
;;
;; Per-user install to %LOCALAPPDATA%\Programs\photocheck: no administrator rights.
;; Upgrading installs over the previous version in its folder: the old program files
;; are removed first, user settings (HKCU\Software\photocheck, %LOCALAPPDATA%\photocheck)
;; are never touched. The uninstaller keeps them too unless asked to remove them.
;; The file is UTF-8 with a byte order mark, for the Chinese strings.

Unicode true
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user

!ifndef VERSION
  !error "pass the version: makensis -DVERSION=x.y.z installer.nsi"
!endif
!ifndef VERSION4
  !define VERSION4 "${VERSION}.0"
!endif
!ifndef SOURCE_DIR
  !define SOURCE_DIR "..\..\dist\photocheck"
!endif
!ifndef OUTFILE
  !define OUTFILE "photocheck-${VERSION}-setup.exe"
!endif
!ifndef COMPRESSION
  !define COMPRESSION lzma
!endif
!ifndef EXE_SUFFIX
  !define EXE_SUFFIX ".exe"
!endif
!ifndef ICON
  !define ICON "..\..\resources\icons\photocheck.ico"
!endif

!define APP "photocheck"
!define APP_TITLE "医考照片检测 photocheck"
!define PUBLISHER "photocheck contributors"
!define GUI_EXE "photocheck-gui${EXE_SUFFIX}"
!define CLI_EXE "photocheck${EXE_SUFFIX}"
!define SHORTCUT "${APP_TITLE}.lnk"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
!define SETTINGS_KEY "Software\${APP}"

SetCompressor /SOLID /FINAL ${COMPRESSION}
!if "${COMPRESSION}" == "lzma"
  SetCompressorDictSize 64
!endif

Name "${APP_TITLE}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "${APP} ${VERSION}"
ShowInstDetails nevershow
ShowUninstDetails nevershow

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "Apache-2.0, ${PUBLISHER}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP_TITLE} ${VERSION} 安装程序 (setup)"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "WinVer.nsh"
!include "x64.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
; remember the language chosen at install time for the uninstaller
!define MUI_LANGDLL_REGISTRY_ROOT HKCU
!define MUI_LANGDLL_REGISTRY_KEY "${UNINST_KEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"
!define MUI_LANGDLL_ALLLANGUAGES

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default when Windows' own language is neither.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_RESERVEFILE_LANGDLL

LangString SEC_APP ${LANG_SIMPCHINESE} "医考照片检测（必需）"
LangString SEC_APP ${LANG_ENGLISH} "photocheck (required)"
LangString SEC_DESKTOP ${LANG_SIMPCHINESE} "桌面快捷方式"
LangString SEC_DESKTOP ${LANG_ENGLISH} "Desktop shortcut"
LangString SEC_SETTINGS ${LANG_SIMPCHINESE} "同时删除设置和日志"
LangString SEC_SETTINGS ${LANG_ENGLISH} "Also delete settings and logs"
LangString MSG_PLATFORM ${LANG_SIMPCHINESE} "本程序需要 64 位 Windows 10 或更高版本。"
LangString MSG_PLATFORM ${LANG_ENGLISH} "photocheck needs 64-bit Windows 10 or later."
LangString MSG_RUNNING ${LANG_SIMPCHINESE} "医考照片检测正在运行。请先关闭它（包括正在进行的批量检测），然后点击“重试”。"
LangString MSG_RUNNING ${LANG_ENGLISH} "photocheck is running. Close it (and any batch check in progress), then click Retry."
LangString SHORTCUT_DESC ${LANG_SIMPCHINESE} "检测并修正医师资格考试报名照片和材料图片"
LangString SHORTCUT_DESC ${LANG_ENGLISH} "Check and fix exam registration photos and documents"

; A running copy keeps its .exe open, and Windows refuses to replace or delete an open
; executable. Opening it for writing fails the same way, before anything is touched:
; ask the user to close the app (a silent run gives up with an error code instead).
!macro DEFINE_CHECK_NOT_RUNNING PREFIX
Function ${PREFIX}CheckNotRunning
  retry:
  StrCpy $1 ""
  ${ForEach} $2 0 1 + 1
    ${If} $2 == 0
      StrCpy $3 "$INSTDIR\${GUI_EXE}"
    ${Else}
      StrCpy $3 "$INSTDIR\${CLI_EXE}"
    ${EndIf}
    ${If} ${FileExists} $3
      ClearErrors
      FileOpen $0 $3 a
      ${If} ${Errors}
        StrCpy $1 "running"
      ${Else}
        FileClose $0
      ${EndIf}
    ${EndIf}
  ${Next}
  ${If} $1 == "running"
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(MSG_RUNNING)" /SD IDCANCEL IDRETRY retry
    Abort
  ${EndIf}
FunctionEnd
!macroend
!insertmacro DEFINE_CHECK_NOT_RUNNING ""
!insertmacro DEFINE_CHECK_NOT_RUNNING "un."

Function .onInit
  SetShellVarContext current
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastWin10}
    MessageBox MB_OK|MB_ICONSTOP "$(MSG_PLATFORM)" /SD IDOK
    Abort
  ${EndIf}
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
  SetShellVarContext current
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd

Section "$(SEC_APP)" SecApp
  SectionIn RO
  Call CheckNotRunning
  SetOutPath "$INSTDIR"
  ; Upgrade in place: take away the previous version's program files only.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$DESKTOP\${SHORTCUT}"
  File /r "${SOURCE_DIR}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${SHORTCUT}" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0 \
      SW_SHOWNORMAL "" "$(SHORTCUT_DESC)"

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_TITLE}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${GUI_EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "$(SEC_DESKTOP)" SecDesktop
  CreateShortCut "$DESKTOP\${SHORTCUT}" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0 \
      SW_SHOWNORMAL "" "$(SHORTCUT_DESC)"
SectionEnd

Section "un.$(SEC_APP)" UnSecApp
  SectionIn RO
  Call un.CheckNotRunning
  Delete "$SMPROGRAMS\${SHORTCUT}"
  Delete "$DESKTOP\${SHORTCUT}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"  ; only if empty: never delete what the user put there
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd

Section /o "un.$(SEC_SETTINGS)" UnSecSettings
  DeleteRegKey HKCU "${SETTINGS_KEY}"
  RMDir /r "$LOCALAPPDATA\${APP}"
SectionEnd
