// photocheck audit report: counts the thumbnails that render, for the browser test.
window.addEventListener('load',function(){var ok=0,bad=0;document.querySelectorAll('img').forEach(function(i){
if(i.complete&&i.naturalWidth>0){ok++}else{bad++;i.classList.add('broken')}});
document.body.setAttribute('data-images-ok',ok);document.body.setAttribute('data-images-broken',bad);});
// The search box and the filters: a card shows when it matches all of them; a group
// with no card left is hidden; the count says how many files are shown.
(function(){
function val(id){var e=document.getElementById(id);return e?e.value:''}
function apply(){
var q=val('f-text').trim().toLowerCase(),v=val('f-verdict'),c=val('f-check'),d=val('f-doc'),seen={};
document.querySelectorAll('.card').forEach(function(card){
var ok=(!q||(card.getAttribute('data-text')||'').indexOf(q)>=0)
&&(!v||(v==='warn'?card.classList.contains('warn'):card.getAttribute('data-verdict')===v))
&&(!c||(' '+card.getAttribute('data-checks')+' ').indexOf(' '+c+' ')>=0)
&&(!d||card.getAttribute('data-doc')===d);
card.style.display=ok?'':'none';if(ok){seen[card.getAttribute('data-text')]=1}});
document.querySelectorAll('section.group').forEach(function(s){
var any=Array.prototype.some.call(s.querySelectorAll('.card'),function(x){return x.style.display!=='none'});
s.style.display=any?'':'none';var det=s.querySelector('details');if(det&&(q||v||c||d)&&any){det.open=true}});
var n=document.getElementById('f-count');if(n){n.textContent=(q||v||c||d)?('显示 '+Object.keys(seen).length+' 个文件 / shown'):''}
document.body.setAttribute('data-shown',Object.keys(seen).length)}
window.addEventListener('load',function(){['f-text','f-verdict','f-check','f-doc'].forEach(function(id){
var e=document.getElementById(id);if(e){e.addEventListener('input',apply);e.addEventListener('change',apply)}});
var h=new URLSearchParams(location.search);if(h.get('q')){document.getElementById('f-text').value=h.get('q')}
['verdict','check','doc'].forEach(function(k){if(h.get(k)){document.getElementById('f-'+k).value=h.get(k)}});apply()});
})();
