@echo off
rem install-task.cmd - install fleetcensus-agent and its daily task on one
rem Windows machine (XP SP3 and later), run as an administrator from the
rem folder that holds fleetcensus-agent.exe and fleetcensus-agent.conf.
rem
rem   install-task.cmd          copy to %ProgramFiles%\fleetcensus, daily 12:30
rem
rem XP and Server 2003 have Task Scheduler 1.0: schtasks has no /f, no
rem /rl and no random delay, so the task is deleted first and the agent's own
rem --splay spreads the fleet's reports. Vista and later could import
rem fleetcensus-agent-task.xml instead (schtasks /create /xml).

set DEST=%ProgramFiles%\fleetcensus
if not exist "%DEST%" mkdir "%DEST%"
copy /y "%~dp0fleetcensus-agent.exe" "%DEST%\" >nul || goto :fail
if exist "%~dp0fleetcensus-agent.conf" copy /y "%~dp0fleetcensus-agent.conf" "%DEST%\" >nul
if exist "%~dp0token" copy /y "%~dp0token" "%DEST%\" >nul

schtasks /delete /tn "fleetcensus-agent" /f >nul 2>&1
schtasks /create /tn "fleetcensus-agent" /ru SYSTEM /sc daily /st 12:30:00 ^
    /tr "\"%DEST%\fleetcensus-agent.exe\" --quiet --splay 3600" || goto :fail
echo fleetcensus-agent: installed in %DEST%, runs daily as SYSTEM
exit /b 0

:fail
echo fleetcensus-agent: installation failed
exit /b 1
