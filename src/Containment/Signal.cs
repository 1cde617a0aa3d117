namespace Containment;

/// <summary>Linux signal numbers (x86_64 and aarch64 share them).</summary>
public enum Signal
{
#pragma warning disable CS1591 // the names are the documentation
    Hup = 1, Int = 2, Quit = 3, Ill = 4, Trap = 5, Abrt = 6, Bus = 7, Fpe = 8, Kill = 9, Usr1 = 10, Segv = 11,
    Usr2 = 12, Pipe = 13, Alrm = 14, Term = 15, StkFlt = 16, Chld = 17, Cont = 18, Stop = 19, Tstp = 20, Ttin = 21,
    Ttou = 22, Urg = 23, Xcpu = 24, Xfsz = 25, Vtalrm = 26, Prof = 27, Winch = 28, Io = 29, Pwr = 30, Sys = 31,
#pragma warning restore CS1591
}
