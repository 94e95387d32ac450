@echo off
rem Runs the Deliberate command line on Windows, building it first when the jar is missing.
rem Extra JVM options: set DELIBERATE_JAVA_OPTS, e.g. set DELIBERATE_JAVA_OPTS=-Xmx8g
setlocal
set "ROOT=%~dp0"
set "JAR=%ROOT%cli\target\deliberate-cli.jar"
if not exist "%JAR%" (
  echo deliberate: building the command line ^(first run^)... 1>&2
  pushd "%ROOT%"
  call mvnw.cmd -B -DskipTests -pl cli -am package 1>&2
  popd
  if not exist "%JAR%" (
    echo deliberate: build failed; run "mvnw.cmd -pl cli -am package" to see why 1>&2
    exit /b 1
  )
)
set "JAVA=java"
if defined JAVA_HOME set "JAVA=%JAVA_HOME%\bin\java"
"%JAVA%" %DELIBERATE_JAVA_OPTS% -XX:-UsePerfData -jar "%JAR%" %*
exit /b %ERRORLEVEL%
